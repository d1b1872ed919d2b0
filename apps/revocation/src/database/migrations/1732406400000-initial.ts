import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTablesSql, dropMessagingTablesSql } from '@app/outbox';

export class Initial1732406400000 implements MigrationInterface {
  name = 'Initial1732406400000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of createMessagingTablesSql('revocation')) await runner.query(sql);
    await runner.query(`CREATE TABLE "revocation"."revocations" (
      "target_key" TEXT PRIMARY KEY,
      "kind" TEXT NOT NULL,
      "payload" JSONB NOT NULL,
      "expires_at" BIGINT,
      "revoked_at" TIMESTAMPTZ NOT NULL
    )`);
    await runner.query(`CREATE INDEX "revocations_expires_at" ON "revocation"."revocations" ("expires_at")`);
    await runner.query(`CREATE TABLE "revocation"."clients" (
      "client_id" TEXT PRIMARY KEY,
      "snapshot" JSONB NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "revocation"."clients"`);
    await runner.query(`DROP TABLE "revocation"."revocations"`);
    for (const sql of dropMessagingTablesSql('revocation')) await runner.query(sql);
  }
}
