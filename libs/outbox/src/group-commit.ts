import type { EntityManager } from 'typeorm';
import { BatchQueue, ItemFailure } from './batch-queue';
import type { Outbox } from './outbox.module';
import type { OutboxWriter } from './outbox-writer';

/**
 * Commits every change of a batch, with its events, in ONE SQL statement (`Outbox.statement`): one
 * result per item, in the items' order, and whether any event was appended.
 */
export type BatchStatement<I, R> = (
  manager: EntityManager,
  items: I[],
  writer: OutboxWriter,
) => Promise<{ results: R[]; appended: boolean }>;

/**
 * Group commit for state changes: the changes submitted while a commit is in flight go together in
 * the next one, with their events, committed by ONE statement (`Outbox.statement`: a data-modifying
 * CTE, so no transaction block and one round trip) — one WAL flush for many requests. Each caller is
 * answered only after the commit that holds its change. If a shared commit fails, its changes are
 * retried one per commit, so one bad change cannot fail the others.
 */
export class GroupCommit<I, R> {
  private readonly queue: BatchQueue<I, R>;

  constructor(
    private readonly outbox: Outbox,
    /** Commits a batch (in lock order) and its events in one statement; one result per item, in order. */
    private readonly statement: BatchStatement<I, R>,
    /** Orders a batch so concurrent commits take row locks in the same order (no deadlocks). */
    private readonly lockOrder: (item: I) => string,
    maxChangesPerCommit = 200,
    /** Commits in flight at once: more than one keeps the core busy while a commit travels. */
    concurrentCommits = 1,
  ) {
    this.queue = new BatchQueue((items) => this.commit(items), {
      max: maxChangesPerCommit,
      weight: () => 1,
      concurrency: concurrentCommits,
    });
  }

  submit(item: I): Promise<R> {
    return this.queue.submit(item);
  }

  private async commit(items: I[]): Promise<(R | ItemFailure)[]> {
    try {
      return await this.inOneCommit(items);
    } catch (error) {
      if (items.length === 1) throw error;
      // Isolate the change that failed; the others commit on their own, one after another.
      const outcomes: (R | ItemFailure)[] = [];
      for (const item of items) {
        try {
          outcomes.push((await this.inOneCommit([item]))[0]!);
        } catch (failure) {
          outcomes.push(new ItemFailure(failure));
        }
      }
      return outcomes;
    }
  }

  private async inOneCommit(items: I[]): Promise<R[]> {
    const ordered = items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => this.lockOrder(a.item).localeCompare(this.lockOrder(b.item)));
    const inOrder = await this.outbox.statement(async (manager, writer) => {
      const { results, appended } = await this.statement(
        manager,
        ordered.map(({ item }) => item),
        writer,
      );
      return { result: results, appended };
    });
    const results = new Array<R>(items.length);
    ordered.forEach(({ index }, position) => {
      results[index] = inOrder[position]!;
    });
    return results;
  }
}
