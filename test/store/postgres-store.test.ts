import { openStore } from '../../src/store/open-store';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { describeTaskRepositoryContract, type OpenedTaskRepository } from './task-repository.contract';

let database: TestDatabase | undefined;
const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function openAt(url: string): Promise<OpenedTaskRepository> {
  const store = await openStore(url);
  return { repo: store.tasks, close: () => store.close(), reopen: () => openAt(url) };
}

// A new database per test, so `listActive` assertions are exact.
describeTaskRepositoryContract('postgres://', async () => {
  database = await createTestDatabase();
  databases.push(database);
  return openAt(database.url);
});
