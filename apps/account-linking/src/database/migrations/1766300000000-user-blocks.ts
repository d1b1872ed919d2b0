import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Brute-force blocks (issue #14 §3): one row per blocked (connection, login identifier, address).
 * Looked up by its key before every password check; listed and deleted by identifier through
 * `/api/v2/user-blocks`.
 */
export class UserBlocks1766300000000 implements MigrationInterface {
  name = 'UserBlocks1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "account_linking"."user_blocks" (
      "connection" TEXT NOT NULL,
      "identifier" TEXT NOT NULL,
      "address_key" TEXT NOT NULL,
      "ip" TEXT NOT NULL,
      "user_id" TEXT,
      "blocked_at" TIMESTAMPTZ NOT NULL,
      PRIMARY KEY ("connection", "identifier", "address_key")
    )`);
    await runner.query(
      `CREATE INDEX "user_blocks_identifier" ON "account_linking"."user_blocks" ("identifier")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "account_linking"."user_blocks"`);
  }
}
