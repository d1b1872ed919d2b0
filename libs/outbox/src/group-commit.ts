import type { EntityManager } from 'typeorm';
import { BatchQueue, ItemFailure } from './batch-queue';
import type { Outbox } from './outbox.module';
import type { OutboxEvent } from './outbox-writer';

export type StagedChange<R> = { result: R; events: OutboxEvent[] };

/** Stages every change of one transaction at once: one staged change per item, in the items' order. */
export type BatchStager<I, R> = (manager: EntityManager, items: I[]) => Promise<StagedChange<R>[]>;

/**
 * Group commit for state changes: the changes submitted while a transaction is in flight are staged
 * together in the next one, with their events, and committed once — one WAL flush for many requests.
 * Each caller is answered only after the commit that holds its change. If a shared transaction fails,
 * its changes are retried one per transaction, so one bad change cannot fail the others.
 */
export class GroupCommit<I, R> {
  private readonly queue: BatchQueue<I, R>;

  /** Stages the changes of one transaction, in lock order; one staged change per item, in that order. */
  private readonly stageMany: (manager: EntityManager, items: I[]) => Promise<StagedChange<R>[]>;

  constructor(
    private readonly outbox: Outbox,
    /**
     * Stages one change — or, as `{ many }`, all the changes of a transaction together (e.g. one
     * multi-row statement for the batch instead of a round trip per change).
     */
    stage: ((manager: EntityManager, item: I) => Promise<StagedChange<R>>) | { many: BatchStager<I, R> },
    /** Orders a batch so concurrent transactions take row locks in the same order (no deadlocks). */
    private readonly lockOrder: (item: I) => string,
    maxChangesPerTransaction = 200,
    /** Transactions in flight at once: more than one while a commit's round trips are the bottleneck. */
    concurrentTransactions = 1,
  ) {
    this.stageMany =
      typeof stage === 'function'
        ? async (manager, items) => {
            const staged: StagedChange<R>[] = [];
            for (const item of items) staged.push(await stage(manager, item));
            return staged;
          }
        : stage.many;
    this.queue = new BatchQueue((items) => this.commit(items), {
      max: maxChangesPerTransaction,
      weight: () => 1,
      concurrency: concurrentTransactions,
    });
  }

  submit(item: I): Promise<R> {
    return this.queue.submit(item);
  }

  private async commit(items: I[]): Promise<(R | ItemFailure)[]> {
    try {
      return await this.inOneTransaction(items);
    } catch (error) {
      if (items.length === 1) throw error;
      // Isolate the change that failed; the others commit on their own, one after another.
      const outcomes: (R | ItemFailure)[] = [];
      for (const item of items) {
        try {
          outcomes.push((await this.inOneTransaction([item]))[0]!);
        } catch (failure) {
          outcomes.push(new ItemFailure(failure));
        }
      }
      return outcomes;
    }
  }

  private inOneTransaction(items: I[]): Promise<R[]> {
    const ordered = items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => this.lockOrder(a.item).localeCompare(this.lockOrder(b.item)));
    return this.outbox.transaction(async (manager) => {
      const results = new Array<R>(items.length);
      const events: OutboxEvent[] = [];
      const staged = await this.stageMany(
        manager,
        ordered.map(({ item }) => item),
      );
      ordered.forEach(({ index }, position) => {
        const change = staged[position]!;
        results[index] = change.result;
        events.push(...change.events);
      });
      return { result: results, events };
    });
  }
}
