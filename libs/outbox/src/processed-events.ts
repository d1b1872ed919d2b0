import type { EntityManager } from 'typeorm';

/**
 * Idempotent consumption: records that `consumer` applied `eventId`, in the caller's transaction.
 * Returns false when the event was applied before, so the caller skips it (redelivery after a crash
 * or a rebalance is normal with Kafka's at-least-once delivery).
 */
export async function markProcessed(
  manager: EntityManager,
  schema: string,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const inserted = await manager.query<unknown[]>(
    `INSERT INTO "${schema}"."processed_events" ("consumer", "event_id") VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING "event_id"`,
    [consumer, eventId],
  );
  return inserted.length === 1;
}
