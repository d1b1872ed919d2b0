import type { EntityManager } from 'typeorm';
import type { OutboxEvent, OutboxWriter } from './outbox-writer';

interface Pending {
  readonly events: readonly OutboxEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for events that need no other state change (e.g. one `access_token.issued` per
 * grant): everything emitted while a write is in flight goes into the next single multi-row INSERT.
 * Each caller's promise resolves only once its own rows are committed, so durability per request is
 * unchanged; under load many requests share one round trip instead of paying one each.
 */
export class OutboxBatcher {
  private queue: Pending[] = [];
  private writing = false;

  constructor(
    private readonly writer: OutboxWriter,
    private readonly manager: () => EntityManager,
    private readonly onWritten: () => void,
    private readonly maxEventsPerInsert = 500,
  ) {}

  append(events: readonly OutboxEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.writer.append(
            this.manager(),
            batch.flatMap((pending) => pending.events),
          );
          for (const pending of batch) pending.resolve();
          this.onWritten();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let take = 0;
    while (
      take < this.queue.length &&
      (take === 0 || count + this.queue[take]!.events.length <= this.maxEventsPerInsert)
    ) {
      count += this.queue[take]!.events.length;
      take++;
    }
    return this.queue.splice(0, take);
  }
}
