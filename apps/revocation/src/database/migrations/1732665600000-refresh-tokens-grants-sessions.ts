import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry learns refresh tokens, grants and login sessions from the audit stream, for the
 * Management API (device credentials, refresh tokens, grants, sessions) and for cascading revocations.
 */
export class RefreshTokensGrantsSessions1732665600000 implements MigrationInterface {
  name = 'RefreshTokensGrantsSessions1732665600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."issued_tokens" ADD COLUMN "session_id" TEXT`);
    await runner.query(
      `CREATE INDEX "issued_tokens_session" ON "revocation"."issued_tokens" ("session_id")
       WHERE "session_id" IS NOT NULL`,
    );
    await runner.query(`CREATE TABLE "revocation"."refresh_tokens" (
      "id" TEXT PRIMARY KEY,
      "grant_id" TEXT NOT NULL,
      "client_id" TEXT NOT NULL,
      "user_id" TEXT NOT NULL,
      "session_id" TEXT,
      "aud" TEXT[] NOT NULL,
      "scope" TEXT NOT NULL,
      "rotating" BOOLEAN NOT NULL,
      "device" TEXT,
      "created_at" BIGINT NOT NULL,
      "expires_at" BIGINT,
      "idle_expires_at" BIGINT,
      "last_exchanged_at" BIGINT,
      "rotated_to" TEXT,
      "revoked_at" TIMESTAMPTZ
    )`);
    for (const column of ['grant_id', 'user_id', 'client_id', 'session_id']) {
      await runner.query(
        `CREATE INDEX "refresh_tokens_${column}" ON "revocation"."refresh_tokens" ("${column}")`,
      );
    }
    await runner.query(`CREATE TABLE "revocation"."grants" (
      "id" TEXT PRIMARY KEY,
      "client_id" TEXT NOT NULL,
      "user_id" TEXT NOT NULL,
      "audience" TEXT[] NOT NULL,
      "scope" TEXT NOT NULL,
      "session_id" TEXT,
      "created_at" BIGINT NOT NULL,
      "revoked_at" TIMESTAMPTZ
    )`);
    for (const column of ['user_id', 'client_id', 'session_id']) {
      await runner.query(`CREATE INDEX "grants_${column}" ON "revocation"."grants" ("${column}")`);
    }
    await runner.query(`CREATE TABLE "revocation"."login_sessions" (
      "id" TEXT PRIMARY KEY,
      "user_id" TEXT NOT NULL,
      "connection" TEXT NOT NULL,
      "client_ids" TEXT[] NOT NULL,
      "authenticated_at" BIGINT NOT NULL,
      "expires_at" BIGINT NOT NULL,
      "idle_expires_at" BIGINT NOT NULL,
      "last_interacted_at" BIGINT NOT NULL,
      "user_agent" TEXT,
      "ip" TEXT,
      "revoked_at" TIMESTAMPTZ
    )`);
    await runner.query(`CREATE INDEX "login_sessions_user_id" ON "revocation"."login_sessions" ("user_id")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "revocation"."login_sessions"`);
    await runner.query(`DROP TABLE "revocation"."grants"`);
    await runner.query(`DROP TABLE "revocation"."refresh_tokens"`);
    await runner.query(`DROP INDEX "revocation"."issued_tokens_session"`);
    await runner.query(`ALTER TABLE "revocation"."issued_tokens" DROP COLUMN "session_id"`);
  }
}
