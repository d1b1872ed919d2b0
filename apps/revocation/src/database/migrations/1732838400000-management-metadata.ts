import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metadata that Management API callers attach to refresh tokens and sessions (Auth0's
 * `refresh_token_metadata` and `session_metadata`, `PATCH /api/v2/refresh-tokens/{id}` and
 * `/api/v2/sessions/{id}`). A refresh token's metadata belongs to its family (the grant), so it
 * follows the token through rotation, whose every step gives the token a new id.
 */
export class ManagementMetadata1732838400000 implements MigrationInterface {
  name = 'ManagementMetadata1732838400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "revocation"."refresh_token_metadata" (
      "grant_id" TEXT PRIMARY KEY,
      "refresh_token_metadata" JSONB NOT NULL,
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    await runner.query(
      `ALTER TABLE "revocation"."login_sessions" ADD COLUMN "session_metadata" JSONB NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."login_sessions" DROP COLUMN "session_metadata"`);
    await runner.query(`DROP TABLE "revocation"."refresh_token_metadata"`);
  }
}
