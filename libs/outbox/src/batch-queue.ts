/** A flush's outcome for one item that failed on its own, while the rest of the batch succeeded. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

interface Waiting<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Collects items submitted while a flush is in flight and flushes them together: each submitter
 * gets its own result once its batch is done. Under load many callers share one round trip (or one
 * commit); with a single caller it adds nothing but a function call.
 */
export class BatchQueue<T, R> {
  private queue: Waiting<T, R>[] = [];
  /** Flush loops running; each takes a batch, flushes it, and goes on while items wait. */
  private flushers = 0;

  constructor(
    /** Handles one batch; returns one result (or ItemFailure) per item, in order. Throwing fails all. */
    private readonly flush: (items: T[]) => Promise<(R | ItemFailure)[]>,
    /** How much one batch may hold: a weight per item (e.g. its number of rows) and a limit. */
    private readonly limit: {
      readonly max: number;
      readonly weight: (item: T) => number;
      /**
       * How many batches may be in flight at once (default 1). More than one keeps a latency-bound
       * flush (a commit's round trips) from leaving the queue idle while it waits.
       */
      readonly concurrency?: number;
    },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.flushers < (this.limit.concurrency ?? 1)) void this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    this.flushers++;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          const results = await this.flush(batch.map((waiting) => waiting.item));
          batch.forEach((waiting, index) => {
            const outcome = results[index]!;
            if (outcome instanceof ItemFailure) waiting.reject(outcome.error);
            else waiting.resolve(outcome);
          });
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.flushers--;
    }
  }

  private takeBatch(): Waiting<T, R>[] {
    let weight = 0;
    let take = 0;
    while (take < this.queue.length) {
      const next = this.limit.weight(this.queue[take]!.item);
      if (take > 0 && weight + next > this.limit.max) break;
      weight += next;
      take++;
    }
    return this.queue.splice(0, take);
  }
}
