import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The log store (issue #17 §1): one row per log event, range-partitioned by day on `date` (the
 * event's `occurred_at`), so retention drops whole partitions instead of deleting rows. The service
 * creates the day partitions itself, ahead of time (LogPartitions). The primary key (date, event_id)
 * makes a redelivered event insert nothing: the partition key must be part of every unique index of
 * a partitioned table, and an event's date never changes. `seq` is the order of ingestion, which
 * checkpoint paging (`from`/`take`) follows so an event that arrives late is still read once.
 * `consumer_positions` is the Kafka position of record, written in the same transaction as the rows.
 */
export class LogStore1766200000000 implements MigrationInterface {
  name = 'LogStore1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SEQUENCE "audit"."log_event_seq"`);
    await runner.query(`CREATE TABLE "audit"."log_events" (
      "date" TIMESTAMPTZ NOT NULL,
      "event_id" UUID NOT NULL,
      "seq" BIGINT NOT NULL DEFAULT nextval('"audit"."log_event_seq"'),
      "type" TEXT NOT NULL,
      "description" TEXT,
      "client_id" TEXT,
      "client_name" TEXT,
      "ip" TEXT,
      "user_agent" TEXT,
      "user_id" TEXT,
      "user_name" TEXT,
      "connection" TEXT,
      "connection_id" TEXT,
      "audience" TEXT,
      "scope" TEXT,
      "hostname" TEXT,
      "strategy" TEXT,
      "strategy_type" TEXT,
      "details" JSONB,
      PRIMARY KEY ("date", "event_id")
    ) PARTITION BY RANGE ("date")`);
    await runner.query(`CREATE INDEX "log_events_seq" ON "audit"."log_events" ("seq")`);
    await runner.query(`CREATE INDEX "log_events_user" ON "audit"."log_events" ("user_id", "date")`);
    await runner.query(`CREATE INDEX "log_events_client" ON "audit"."log_events" ("client_id", "date")`);
    await runner.query(`CREATE INDEX "log_events_type" ON "audit"."log_events" ("type", "date")`);
    await runner.query(`CREATE TABLE "audit"."consumer_positions" (
      "consumer" TEXT NOT NULL,
      "topic" TEXT NOT NULL,
      "partition" INTEGER NOT NULL,
      "next_offset" BIGINT NOT NULL,
      PRIMARY KEY ("consumer", "topic", "partition")
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "audit"."consumer_positions"`);
    await runner.query(`DROP TABLE "audit"."log_events"`);
    await runner.query(`DROP SEQUENCE "audit"."log_event_seq"`);
  }
}
