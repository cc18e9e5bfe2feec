import { join } from 'node:path';
import { openStore } from '../../src/store/open-store';
import { describeTaskRepositoryContract, type OpenedTaskRepository } from './task-repository.contract';
import { useTempDir } from './temp-dir';

const tempDir = useTempDir('gateway-sqlite-contract-');
let files = 0;

/** Opens the SQLite store at `path`; `reopen` opens the same file again. */
async function openAt(path: string): Promise<OpenedTaskRepository> {
  const store = await openStore(`sqlite://${path}`);
  return { repo: store.tasks, close: () => store.close(), reopen: () => openAt(path) };
}

// A new file per test (in a subdirectory, so the parent-directory creation is exercised too).
describeTaskRepositoryContract('sqlite://', () => openAt(join(tempDir(), `t${(files += 1)}`, 'gateway.sqlite')));
