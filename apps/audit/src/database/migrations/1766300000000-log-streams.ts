import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Log streams (issue #17 §3): Auth0's `/api/v2/log-streams`. `sink` and `filters` are kept as Auth0
 * sends them (validated first). `version` grows with every change, so each instance's supervisor
 * sees a changed stream and restarts its delivery with the new settings. `start_from` is where a
 * stream with no stored position begins on each topic (its creation, or Auth0's `startFrom`). Where
 * a stream stands is in `consumer_positions` under the consumer `log-stream:<id>`.
 */
export class LogStreams1766300000000 implements MigrationInterface {
  name = 'LogStreams1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "audit"."log_streams" (
      "id" TEXT PRIMARY KEY,
      "name" TEXT NOT NULL,
      "type" TEXT NOT NULL,
      "status" TEXT NOT NULL CHECK ("status" IN ('active', 'paused', 'suspended')),
      "sink" JSONB NOT NULL,
      "filters" JSONB NOT NULL DEFAULT '[]',
      "start_from" TIMESTAMPTZ NOT NULL,
      "version" INTEGER NOT NULL DEFAULT 1,
      "failing_since" TIMESTAMPTZ,
      "last_error" TEXT,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM "audit"."consumer_positions" WHERE "consumer" LIKE 'log-stream:%'`);
    await runner.query(`DROP TABLE "audit"."log_streams"`);
  }
}
