import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity-provider tokens (sealed per identity), the credentials a linked database identity keeps,
 * and the two short-lived records of an upstream login: the attempt (state, PKCE verifier, nonce) and
 * the login ticket issuance redeems. Attempts and tickets are keyed by a SHA-256 of their random
 * value, never the value itself.
 */
export class IdentityProviderTokensAndLogins1764200000000 implements MigrationInterface {
  name = 'IdentityProviderTokensAndLogins1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "account_linking"."identities"
      ADD COLUMN "access_token_sealed" TEXT,
      ADD COLUMN "refresh_token_sealed" TEXT,
      ADD COLUMN "access_token_expires_at" TIMESTAMPTZ,
      ADD COLUMN "password_hash" TEXT`);
    // A password sign-in through a linked database identity finds it by the email (or username) its
    // profile had; without these, every sign-in with an unknown login would scan the identities.
    await runner.query(
      `CREATE INDEX "identities_linked_email" ON "account_linking"."identities" ("connection", ("profile_data" ->> 'email')) WHERE "position" > 0`,
    );
    await runner.query(
      `CREATE INDEX "identities_linked_username" ON "account_linking"."identities" ("connection", ("profile_data" ->> 'username')) WHERE "position" > 0`,
    );
    await runner.query(`CREATE TABLE "account_linking"."login_attempts" (
      "state_hash" TEXT PRIMARY KEY,
      "connection" TEXT NOT NULL,
      "transaction_id" TEXT NOT NULL,
      "nonce" TEXT NOT NULL,
      "code_verifier_sealed" TEXT NOT NULL,
      "expires_at" TIMESTAMPTZ NOT NULL
    )`);
    await runner.query(
      `CREATE INDEX "login_attempts_expiry" ON "account_linking"."login_attempts" ("expires_at")`,
    );
    await runner.query(`CREATE TABLE "account_linking"."login_tickets" (
      "ticket_hash" TEXT PRIMARY KEY,
      "transaction_id" TEXT NOT NULL,
      "user_id" TEXT NOT NULL,
      "connection" TEXT NOT NULL,
      "expires_at" TIMESTAMPTZ NOT NULL
    )`);
    await runner.query(
      `CREATE INDEX "login_tickets_expiry" ON "account_linking"."login_tickets" ("expires_at")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "account_linking"."login_tickets"`);
    await runner.query(`DROP TABLE "account_linking"."login_attempts"`);
    await runner.query(`DROP INDEX "account_linking"."identities_linked_username"`);
    await runner.query(`DROP INDEX "account_linking"."identities_linked_email"`);
    await runner.query(`ALTER TABLE "account_linking"."identities"
      DROP COLUMN "access_token_sealed",
      DROP COLUMN "refresh_token_sealed",
      DROP COLUMN "access_token_expires_at",
      DROP COLUMN "password_hash"`);
  }
}
