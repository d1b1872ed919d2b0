import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A connection's `enabled_clients` is enforced from now on (security review #13). Only the built-in
 * database connection keeps serving every client, until its `enabled_clients` is set: it is the one
 * every deployment logs in with, and Tessera's clients live in issuance, so it cannot list them.
 * Upstream connections serve exactly the clients they list, as Auth0's do.
 */
export class ConnectionEnabledClients1766500000000 implements MigrationInterface {
  name = 'ConnectionEnabledClients1766500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "account_linking"."connections"
      ADD COLUMN "enabled_for_all_clients" BOOLEAN NOT NULL DEFAULT false`);
    await runner.query(
      `UPDATE "account_linking"."connections" SET "enabled_for_all_clients" = true
        WHERE "strategy" = 'auth0' AND cardinality("enabled_clients") = 0`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "account_linking"."connections" DROP COLUMN "enabled_for_all_clients"`);
  }
}
