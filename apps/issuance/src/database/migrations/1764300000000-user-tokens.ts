import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What issuing tokens to users needs (Issuance issue #3): refresh-token families, the user profiles
 * projected from account-linking's events (ID-token claims), login sessions of the hosted login
 * page, authorization codes and the pending `/authorize` transactions. Epoch seconds are BIGINT.
 */
export class UserTokens1764300000000 implements MigrationInterface {
  name = 'UserTokens1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "issuance"."refresh_tokens" (
      "id" TEXT PRIMARY KEY,
      "token_hash" TEXT NOT NULL UNIQUE,
      "grant_id" TEXT NOT NULL,
      "client_id" TEXT NOT NULL,
      "sub" TEXT NOT NULL,
      "aud" TEXT[] NOT NULL,
      "scope" TEXT NOT NULL,
      "grant_type" TEXT NOT NULL,
      "session_id" TEXT,
      "auth_time" BIGINT,
      "rotating" BOOLEAN NOT NULL,
      "device" TEXT,
      "family_issued_at" BIGINT NOT NULL,
      "issued_at" BIGINT NOT NULL,
      "expires_at" BIGINT,
      "idle_expires_at" BIGINT,
      "exchanged_at" BIGINT,
      "revoked_at" BIGINT
    )`);
    await runner.query(`CREATE INDEX "refresh_tokens_grant" ON "issuance"."refresh_tokens" ("grant_id")`);
    await runner.query(`CREATE INDEX "refresh_tokens_sub" ON "issuance"."refresh_tokens" ("sub")`);
    await runner.query(`CREATE INDEX "refresh_tokens_client" ON "issuance"."refresh_tokens" ("client_id")`);
    await runner.query(`CREATE INDEX "refresh_tokens_session" ON "issuance"."refresh_tokens" ("session_id")`);
    await runner.query(`CREATE TABLE "issuance"."user_profiles" (
      "user_id" TEXT PRIMARY KEY,
      "snapshot" JSONB NOT NULL,
      "updated_at" TIMESTAMPTZ NOT NULL,
      "deleted" BOOLEAN NOT NULL DEFAULT false
    )`);
    await runner.query(`CREATE TABLE "issuance"."login_sessions" (
      "id" TEXT PRIMARY KEY,
      "user_id" TEXT NOT NULL,
      "connection" TEXT NOT NULL,
      "authenticated_at" BIGINT NOT NULL,
      "expires_at" BIGINT NOT NULL,
      "idle_expires_at" BIGINT NOT NULL,
      "revoked_at" BIGINT
    )`);
    await runner.query(`CREATE INDEX "login_sessions_user" ON "issuance"."login_sessions" ("user_id")`);
    await runner.query(`CREATE TABLE "issuance"."authorization_codes" (
      "code_hash" TEXT PRIMARY KEY,
      "client_id" TEXT NOT NULL,
      "redirect_uri" TEXT NOT NULL,
      "user_id" TEXT NOT NULL,
      "scope" TEXT NOT NULL,
      "audience" TEXT,
      "nonce" TEXT,
      "code_challenge" TEXT,
      "session_id" TEXT NOT NULL,
      "auth_time" BIGINT NOT NULL,
      "grant_id" TEXT NOT NULL,
      "expires_at" BIGINT NOT NULL,
      "used_at" BIGINT
    )`);
    await runner.query(`CREATE TABLE "issuance"."authorize_transactions" (
      "id" TEXT PRIMARY KEY,
      "request" JSONB NOT NULL,
      "csrf_digest" TEXT NOT NULL,
      "expires_at" BIGINT NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'authorize_transactions',
      'authorization_codes',
      'login_sessions',
      'user_profiles',
      'refresh_tokens',
    ]) {
      await runner.query(`DROP TABLE "issuance"."${table}"`);
    }
  }
}
