import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OIDC Back-Channel Logout 1.0 (issue #16 §2): a client's `oidc_logout.backchannel_logout_urls`
 * (Auth0's client field), and the deliveries of logout tokens still to be made. A delivery is a row
 * from the moment the session revocation is read off Kafka (in the same transaction as its offset's
 * dedupe row) until a receiver answers 2xx or its give-up time passes.
 */
export class BackchannelLogout1766600000000 implements MigrationInterface {
  name = 'BackchannelLogout1766600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "issuance"."clients"
      ADD COLUMN "backchannel_logout_urls" TEXT[] NOT NULL DEFAULT '{}'`);
    await runner.query(`CREATE TABLE "issuance"."backchannel_logout_deliveries" (
      "id" BIGSERIAL PRIMARY KEY,
      "revocation_event_id" TEXT NOT NULL,
      "client_id" TEXT NOT NULL,
      "url" TEXT NOT NULL,
      "session_id" TEXT NOT NULL,
      "sub" TEXT,
      "alg" TEXT NOT NULL,
      "attempts" INTEGER NOT NULL DEFAULT 0,
      "next_attempt_at" TIMESTAMPTZ NOT NULL,
      "give_up_at" TIMESTAMPTZ NOT NULL,
      "lease_until" TIMESTAMPTZ,
      "last_error" TEXT,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE ("revocation_event_id", "client_id", "url")
    )`);
    await runner.query(`CREATE INDEX "backchannel_logout_deliveries_due"
      ON "issuance"."backchannel_logout_deliveries" ("next_attempt_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "issuance"."backchannel_logout_deliveries"`);
    await runner.query(`ALTER TABLE "issuance"."clients" DROP COLUMN "backchannel_logout_urls"`);
  }
}
