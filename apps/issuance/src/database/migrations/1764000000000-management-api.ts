import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Columns the Management API needs (Issuance issue #3): the Auth0 client settings, scope
 * descriptions of APIs, and the timestamps of signing-key states. Every new column has a default, so
 * rows written by older code stay valid.
 */
export class ManagementApi1764000000000 implements MigrationInterface {
  name = 'ManagementApi1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."clients"
      ADD COLUMN "is_first_party" BOOLEAN NOT NULL DEFAULT true,
      ADD COLUMN "callbacks" TEXT[] NOT NULL DEFAULT '{}',
      ADD COLUMN "jwt_alg" TEXT NOT NULL DEFAULT 'RS256',
      ADD COLUMN "refresh_token" JSONB,
      ADD COLUMN "public_keys" JSONB NOT NULL DEFAULT '[]'`);
    await runner.query(`ALTER TABLE "issuance"."resource_servers"
      ADD COLUMN "scope_descriptions" JSONB NOT NULL DEFAULT '{}'`);
    await runner.query(`ALTER TABLE "issuance"."signing_keys"
      ADD COLUMN "current_since" TIMESTAMPTZ,
      ADD COLUMN "current_until" TIMESTAMPTZ,
      ADD COLUMN "revoked_at" TIMESTAMPTZ`);
    await runner.query(
      `UPDATE "issuance"."signing_keys" SET "current_since" = "created_at" WHERE "state" = 'current'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."signing_keys"
      DROP COLUMN "current_since", DROP COLUMN "current_until", DROP COLUMN "revoked_at"`);
    await runner.query(`ALTER TABLE "issuance"."resource_servers" DROP COLUMN "scope_descriptions"`);
    await runner.query(`ALTER TABLE "issuance"."clients"
      DROP COLUMN "is_first_party", DROP COLUMN "callbacks", DROP COLUMN "jwt_alg",
      DROP COLUMN "refresh_token", DROP COLUMN "public_keys"`);
  }
}
