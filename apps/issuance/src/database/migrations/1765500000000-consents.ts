import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' consents to third-party clients (security review #9): one per user, client and audience,
 * its scopes only growing; and the consent prompts waiting for the user's answer, bound to the login
 * session that asked (by its digest) and to the form's CSRF token (by its digest).
 */
export class Consents1765500000000 implements MigrationInterface {
  name = 'Consents1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "issuance"."consents" (
      "id" TEXT PRIMARY KEY,
      "user_id" TEXT NOT NULL,
      "client_id" TEXT NOT NULL REFERENCES "issuance"."clients" ("client_id") ON DELETE CASCADE,
      "audience" TEXT NOT NULL,
      "scopes" TEXT[] NOT NULL,
      "created_at" BIGINT NOT NULL,
      "updated_at" BIGINT NOT NULL,
      UNIQUE ("user_id", "client_id", "audience")
    )`);
    await runner.query(`CREATE TABLE "issuance"."consent_prompts" (
      "id" TEXT PRIMARY KEY,
      "request" JSONB NOT NULL,
      "user_id" TEXT NOT NULL,
      "session_digest" TEXT NOT NULL,
      "audience" TEXT NOT NULL,
      "scopes" TEXT[] NOT NULL,
      "csrf_digest" TEXT,
      "expires_at" BIGINT NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "issuance"."consent_prompts"`);
    await runner.query(`DROP TABLE "issuance"."consents"`);
  }
}
