import type { EntityManager } from 'typeorm';

export interface OutboxEvent {
  readonly topic: string;
  readonly key: string;
  readonly event: { readonly id: string };
}

/** The columns of one outbox row that its writer supplies (`seq` is the table's). */
export interface OutboxRow {
  readonly event_id: string;
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

/**
 * Appends events to the outbox inside the caller's transaction: they are published if and only if
 * the state change commits (DESIGN §5: never write and then publish separately).
 */
export class OutboxWriter {
  constructor(private readonly schema: string) {}

  /** An event as an outbox row, for a statement that appends rows itself (`insertFrom`). */
  static rowOf(entry: OutboxEvent): OutboxRow {
    return {
      event_id: entry.event.id,
      topic: entry.topic,
      key: entry.key,
      value: JSON.stringify(entry.event),
    };
  }

  /**
   * The `INSERT … SELECT` that appends the events of `relation`, whose columns include those of
   * `OutboxRow` (`event_id` as uuid) — for one data-modifying statement that stores a change and its
   * events together, e.g. a CTE joined to the rows an upsert changed (`Outbox.statement`).
   */
  insertFrom(relation: string): string {
    return `INSERT INTO "${this.schema}"."outbox" ("event_id", "topic", "key", "value")
      SELECT "event_id", "topic", "key", "value" FROM ${relation}`;
  }

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
