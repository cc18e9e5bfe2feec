import { openStore } from '../../src/store/open-store';
import { useTestStores } from '../support/test-stores';
import { sampleTask } from './fixtures/sample-task';
import { describeStoreContracts } from './store-contracts';

describeStoreContracts(useTestStores('memory'));

describe('memory store', () => {
  it('keeps separate data per openStore call (nothing is shared through module state)', async () => {
    const a = await openStore('memory://');
    const b = await openStore('memory://');
    const task = sampleTask();
    await a.tasks.insert(task);
    expect(await b.tasks.get(task.id)).toBeUndefined();
    expect(await b.tasks.listActive()).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});
