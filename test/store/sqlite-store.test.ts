import { useTestStores } from '../support/test-stores';
import { describeStoreContracts } from './store-contracts';

// A new file per test (in a subdirectory, so the parent-directory creation is exercised too).
describeStoreContracts(useTestStores('sqlite'));
