import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTablesSql, dropMessagingTablesSql } from '@app/outbox';

export class Initial1732406400000 implements MigrationInterface {
  name = 'Initial1732406400000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of createMessagingTablesSql('issuance')) await runner.query(sql);
    await runner.query(`CREATE TABLE "issuance"."clients" (
      "client_id" TEXT PRIMARY KEY,
      "name" TEXT NOT NULL,
      "app_type" TEXT NOT NULL,
      "token_endpoint_auth_method" TEXT NOT NULL,
      "secret_digests" TEXT[] NOT NULL,
      "grant_types" TEXT[] NOT NULL,
      "revocation_deletes_grant" BOOLEAN NOT NULL DEFAULT true,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    await runner.query(`CREATE TABLE "issuance"."resource_servers" (
      "id" TEXT PRIMARY KEY,
      "identifier" TEXT NOT NULL UNIQUE,
      "name" TEXT NOT NULL,
      "scopes" TEXT[] NOT NULL,
      "signing_alg" TEXT NOT NULL,
      "token_dialect" TEXT NOT NULL,
      "token_lifetime" INTEGER NOT NULL,
      "allow_offline_access" BOOLEAN NOT NULL DEFAULT false
    )`);
    await runner.query(`CREATE TABLE "issuance"."client_grants" (
      "id" TEXT PRIMARY KEY,
      "client_id" TEXT NOT NULL REFERENCES "issuance"."clients" ("client_id") ON DELETE CASCADE,
      "audience" TEXT NOT NULL REFERENCES "issuance"."resource_servers" ("identifier") ON DELETE CASCADE,
      "scope" TEXT[] NOT NULL,
      UNIQUE ("client_id", "audience")
    )`);
    await runner.query(`CREATE TABLE "issuance"."signing_keys" (
      "kid" TEXT PRIMARY KEY,
      "alg" TEXT NOT NULL,
      "state" TEXT NOT NULL CHECK ("state" IN ('next', 'current', 'previous', 'revoked')),
      "public_jwk" JSONB NOT NULL,
      "private_jwk_encrypted" TEXT NOT NULL,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    // At most one current key per algorithm: two instances creating keys at once cannot both win.
    await runner.query(
      `CREATE UNIQUE INDEX "signing_keys_one_current_per_alg" ON "issuance"."signing_keys" ("alg") WHERE "state" = 'current'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "issuance"."signing_keys"`);
    await runner.query(`DROP TABLE "issuance"."client_grants"`);
    await runner.query(`DROP TABLE "issuance"."resource_servers"`);
    await runner.query(`DROP TABLE "issuance"."clients"`);
    for (const sql of dropMessagingTablesSql('issuance')) await runner.query(sql);
  }
}
