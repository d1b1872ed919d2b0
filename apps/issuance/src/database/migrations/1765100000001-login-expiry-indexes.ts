import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the janitor that deletes expired `/authorize` transactions, codes and login sessions
 * (review #7): anonymous requests can fill the transactions table, and a sweep must not scan it all.
 */
export class LoginExpiryIndexes1765100000001 implements MigrationInterface {
  name = 'LoginExpiryIndexes1765100000001';

  async up(runner: QueryRunner): Promise<void> {
    for (const [table, column] of INDEXED) {
      await runner.query(`CREATE INDEX "${table}_${column}" ON "issuance"."${table}" ("${column}")`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [table, column] of INDEXED) await runner.query(`DROP INDEX "issuance"."${table}_${column}"`);
  }
}

const INDEXED = [
  ['authorize_transactions', 'expires_at'],
  ['authorization_codes', 'expires_at'],
  ['login_sessions', 'expires_at'],
  ['login_sessions', 'idle_expires_at'],
] as const;
