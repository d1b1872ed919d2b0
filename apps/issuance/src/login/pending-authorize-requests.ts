import type { DataSource } from 'typeorm';
import { authorizeRequest, type AuthorizeRequest } from './authorize-request';

/**
 * What the repositories of rows that keep an `/authorize` request waiting on the browser (login
 * transactions, consent prompts) share: the request is stored as JSON and parsed again on read, so a
 * row that no longer parses (written by an older version) counts as gone, and a row counts only until
 * its `expires_at`, after which the janitor deletes it. `table` is a quoted, schema-qualified name.
 */
export async function findPendingRow<Row extends { request: unknown }>(
  dataSource: DataSource,
  table: string,
  id: string,
  now: number,
): Promise<{ row: Row; request: AuthorizeRequest } | null> {
  const rows = await dataSource.query<Row[]>(`SELECT * FROM ${table} WHERE "id" = $1 AND "expires_at" > $2`, [
    id,
    now,
  ]);
  const row = rows[0];
  const parsed = row ? authorizeRequest.safeParse(row.request) : null;
  return row && parsed?.success ? { row, request: parsed.data } : null;
}

export async function prunePendingRows(dataSource: DataSource, table: string, now: number): Promise<void> {
  await dataSource.query(`DELETE FROM ${table} WHERE "expires_at" < $1`, [now]);
}
