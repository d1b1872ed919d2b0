import type { EntityManager } from 'typeorm';
import { BatchQueue, ItemFailure } from './batch-queue';
import type { Outbox } from './outbox.module';
import type { OutboxEvent, OutboxWriter } from './outbox-writer';

export type StagedChange<R> = { result: R; events: OutboxEvent[] };

/** Stages every change of one transaction at once: one staged change per item, in the items' order. */
export type BatchStager<I, R> = (manager: EntityManager, items: I[]) => Promise<StagedChange<R>[]>;

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
 * Group commit for state changes: the changes submitted while a transaction is in flight are staged
 * together in the next one, with their events, and committed once — one WAL flush for many requests.
 * Each caller is answered only after the commit that holds its change. If a shared transaction fails,
 * its changes are retried one per transaction, so one bad change cannot fail the others.
 */
export class GroupCommit<I, R> {
  private readonly queue: BatchQueue<I, R>;

  /** Commits a batch atomically, in lock order; one result per item, in that order. */
  private readonly commitInOrder: (items: I[]) => Promise<R[]>;

  constructor(
    outbox: Outbox,
    /**
     * Stages one change — or, as `{ many }`, all the changes of a transaction together (e.g. one
     * multi-row statement for the batch instead of a round trip per change) — or, as `{ statement }`,
     * commits the whole batch and its events in one statement, without a transaction block.
     */
    stage:
      | ((manager: EntityManager, item: I) => Promise<StagedChange<R>>)
      | { many: BatchStager<I, R> }
      | { statement: BatchStatement<I, R> },
    /** Orders a batch so concurrent transactions take row locks in the same order (no deadlocks). */
    private readonly lockOrder: (item: I) => string,
    maxChangesPerTransaction = 200,
    /** Transactions in flight at once: more than one while a commit's round trips are the bottleneck. */
    concurrentTransactions = 1,
  ) {
    if ('statement' in stage) {
      const statement = stage.statement;
      this.commitInOrder = (items) =>
        outbox.statement(async (manager, writer) => {
          const { results, appended } = await statement(manager, items, writer);
          return { result: results, appended };
        });
    } else {
      const stageMany: BatchStager<I, R> =
        typeof stage === 'function'
          ? async (manager, items) => {
              const staged: StagedChange<R>[] = [];
              for (const item of items) staged.push(await stage(manager, item));
              return staged;
            }
          : stage.many;
      this.commitInOrder = (items) =>
        outbox.transaction(async (manager) => {
          const staged = await stageMany(manager, items);
          return {
            result: staged.map((change) => change.result),
            events: staged.flatMap((change) => change.events),
          };
        });
    }
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

  private async inOneTransaction(items: I[]): Promise<R[]> {
    const ordered = items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => this.lockOrder(a.item).localeCompare(this.lockOrder(b.item)));
    const inOrder = await this.commitInOrder(ordered.map(({ item }) => item));
    const results = new Array<R>(items.length);
    ordered.forEach(({ index }, position) => {
      results[index] = inOrder[position]!;
    });
    return results;
  }
}
