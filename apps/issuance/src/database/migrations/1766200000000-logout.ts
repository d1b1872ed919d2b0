import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Logout (issue #16 §2): a client's Allowed Logout URLs (Auth0 `allowed_logout_urls`) and whether a
 * logout through it also revokes the session's refresh tokens (Tessera's; Auth0 keeps them).
 */
export class Logout1766200000000 implements MigrationInterface {
  name = 'Logout1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."clients"
      ADD COLUMN "allowed_logout_urls" TEXT[] NOT NULL DEFAULT '{}',
      ADD COLUMN "logout_revokes_refresh_tokens" BOOLEAN NOT NULL DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."clients"
      DROP COLUMN "logout_revokes_refresh_tokens",
      DROP COLUMN "allowed_logout_urls"`);
  }
}
