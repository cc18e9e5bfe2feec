import sqlite3 from 'sqlite3';

/** Runs one statement on the file with a separate, raw connection: what another tool would see. */
export async function rawQuery(path: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    return await new Promise((resolve, reject) => db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows as Array<Record<string, unknown>>))));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
