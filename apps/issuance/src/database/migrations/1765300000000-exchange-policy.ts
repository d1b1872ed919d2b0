import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client's token-exchange and delegation policy (issue #14 §4, docs/user-tokens.md). Null means
 * never set: no machine subjects, no narrowing of subject clients, nobody may delegate to the client.
 */
export class ExchangePolicy1765300000000 implements MigrationInterface {
  name = 'ExchangePolicy1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."clients"
      ADD COLUMN "token_exchange" JSONB,
      ADD COLUMN "delegation" JSONB`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."clients"
      DROP COLUMN "delegation",
      DROP COLUMN "token_exchange"`);
  }
}
