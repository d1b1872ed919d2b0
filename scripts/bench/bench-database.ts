import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * The bench's own PostgreSQL database. Not the shared `tessera_test`: each stack encrypts its signing
 * keys with the encryption key it is started with, and the keys persist in the database, so a database
 * whose keys were made by someone else's stack (random key) cannot be started on. The bench therefore
 * uses a database of its own and an encryption key derived from its URL, the same in every run.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** 32 bytes, base64, stable for one database URL (a benchmark database holds no real secrets). */
export function benchEncryptionKey(databaseUrl: string): string {
  return createHash('sha256').update(`tessera-bench-encryption:${databaseUrl}`).digest('base64');
}
