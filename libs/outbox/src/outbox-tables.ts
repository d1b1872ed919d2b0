/**
 * The tables of transactional messaging, created by each producing or consuming service's first
 * migration in its own schema:
 * - `outbox`: events written in the same transaction as the state change they describe (DESIGN §5);
 *   `seq` orders them, the relay deletes each row once Kafka has acknowledged it;
 * - `processed_events`: ids of events a durable consumer has applied, written in the same transaction
 *   as the change, so a redelivered event is recognised and skipped.
 */
export function createMessagingTablesSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."outbox" (
      "seq" BIGSERIAL PRIMARY KEY,
      "event_id" UUID NOT NULL,
      "topic" TEXT NOT NULL,
      "key" TEXT NOT NULL,
      "value" TEXT NOT NULL,
      "created_at" TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE "${schema}"."processed_events" (
      "consumer" TEXT NOT NULL,
      "event_id" UUID NOT NULL,
      "processed_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY ("consumer", "event_id")
    )`,
  ];
}

export function dropMessagingTablesSql(schema: string): string[] {
  return [`DROP TABLE "${schema}"."processed_events"`, `DROP TABLE "${schema}"."outbox"`];
}
