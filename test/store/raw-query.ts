import BetterSqlite3 from 'better-sqlite3';

/** Runs one statement on the file with a separate, raw connection: what another tool would see. */
export async function rawQuery(path: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const statement = db.prepare(sql);
    return (statement.reader ? statement.all() : []) as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}
