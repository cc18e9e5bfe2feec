import { useTestStores } from '../support/test-stores';
import { describeStoreContracts } from './store-contracts';

// One database for the file, emptied before each test; the cross-replica cases open a second store on it.
describeStoreContracts(useTestStores('postgres'));
