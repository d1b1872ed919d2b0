import type { EntityManager } from 'typeorm';
import { BatchQueue } from './batch-queue';
import type { OutboxEvent, OutboxWriter } from './outbox-writer';

/**
 * Group commit for events that need no other state change (e.g. one `access_token.issued` per
 * grant): everything emitted while a write is in flight goes into the next single multi-row INSERT.
 * Each caller's promise resolves only once its own rows are committed, so durability per request is
 * unchanged; under load many requests share one round trip instead of paying one each.
 */
export class OutboxBatcher {
  private readonly queue: BatchQueue<readonly OutboxEvent[], void>;

  constructor(
    writer: OutboxWriter,
    manager: () => EntityManager,
    onWritten: () => void,
    maxEventsPerInsert = 500,
  ) {
    this.queue = new BatchQueue(
      async (batches) => {
        await writer.append(manager(), batches.flat());
        onWritten();
        return batches.map(() => undefined);
      },
      { max: maxEventsPerInsert, weight: (events) => events.length },
    );
  }

  append(events: readonly OutboxEvent[]): Promise<void> {
    return this.queue.submit(events);
  }
}
