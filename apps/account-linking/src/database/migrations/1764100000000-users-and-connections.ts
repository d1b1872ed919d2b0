import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, their identities and connections (Account-linking issue #6). Emails are stored lower-cased
 * (Auth0 compares them case-insensitively), so the unique index on (connection, email) is plain.
 */
export class UsersAndConnections1764100000000 implements MigrationInterface {
  name = 'UsersAndConnections1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "account_linking"."connections" (
      "id" TEXT PRIMARY KEY,
      "name" TEXT NOT NULL UNIQUE,
      "strategy" TEXT NOT NULL,
      "display_name" TEXT,
      "options" JSONB NOT NULL DEFAULT '{}',
      "client_secret_sealed" TEXT,
      "enabled_clients" TEXT[] NOT NULL DEFAULT '{}',
      "realms" TEXT[] NOT NULL DEFAULT '{}',
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE "account_linking"."users" (
      "user_id" TEXT PRIMARY KEY,
      "connection" TEXT NOT NULL,
      "email" TEXT,
      "email_verified" BOOLEAN NOT NULL DEFAULT false,
      "username" TEXT,
      "name" TEXT,
      "nickname" TEXT,
      "picture" TEXT,
      "given_name" TEXT,
      "family_name" TEXT,
      "password_hash" TEXT,
      "blocked" BOOLEAN NOT NULL DEFAULT false,
      "user_metadata" JSONB NOT NULL DEFAULT '{}',
      "app_metadata" JSONB NOT NULL DEFAULT '{}',
      "last_login" TIMESTAMPTZ,
      "logins_count" INTEGER NOT NULL DEFAULT 0,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    await runner.query(
      `CREATE UNIQUE INDEX "users_connection_email" ON "account_linking"."users" ("connection", "email") WHERE "email" IS NOT NULL`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX "users_connection_username" ON "account_linking"."users" ("connection", "username") WHERE "username" IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX "users_email" ON "account_linking"."users" ("email")`);
    // An identity belongs to exactly one user; a user's own (primary) identity has position 0.
    await runner.query(`CREATE TABLE "account_linking"."identities" (
      "provider" TEXT NOT NULL,
      "provider_user_id" TEXT NOT NULL,
      "user_id" TEXT NOT NULL REFERENCES "account_linking"."users" ("user_id") ON DELETE CASCADE,
      "connection" TEXT NOT NULL,
      "is_social" BOOLEAN NOT NULL,
      "position" INTEGER NOT NULL,
      "profile_data" JSONB,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY ("provider", "provider_user_id")
    )`);
    await runner.query(
      `CREATE INDEX "identities_user" ON "account_linking"."identities" ("user_id", "position")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "account_linking"."identities"`);
    await runner.query(`DROP TABLE "account_linking"."users"`);
    await runner.query(`DROP TABLE "account_linking"."connections"`);
  }
}
