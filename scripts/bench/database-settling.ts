import { Client } from 'pg';

/**
 * Settles the stack's database after a token pool is minted, before anything is timed: the minting
 * wrote tens of thousands of rows (registry, outbox rows written and deleted), which PostgreSQL would
 * otherwise clean up and flush in the middle of a measured run — an autovacuum of the outbox, or a
 * checkpoint's fsync storm that slows every commit for seconds. VACUUM ANALYZE does that cleanup now
 * and CHECKPOINT flushes now, so the runs start from the state a steady service is in.
 * Returns the seconds it took.
 */
export async function settleDatabase(databaseUrl: string): Promise<number> {
  const started = Date.now();
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
  return (Date.now() - started) / 1000;
}
