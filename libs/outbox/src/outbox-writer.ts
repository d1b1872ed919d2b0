import type { EntityManager } from 'typeorm';

export interface OutboxEvent {
  readonly topic: string;
  readonly key: string;
  readonly event: { readonly id: string };
}

/**
 * Appends events to the outbox inside the caller's transaction: they are published if and only if
 * the state change commits (DESIGN §5: never write and then publish separately).
 */
export class OutboxWriter {
  constructor(private readonly schema: string) {}

  async append(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((entry, index) => {
      values.push(entry.event.id, entry.topic, entry.key, JSON.stringify(entry.event));
      const base = index * 4;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4})`;
    });
    await manager.query(
      `INSERT INTO "${this.schema}"."outbox" ("event_id", "topic", "key", "value") VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
