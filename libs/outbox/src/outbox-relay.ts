import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventPublisher } from '@app/kafka';

export interface OutboxRelayOptions {
  readonly schema: string;
  /** Fallback polling interval; writers also nudge the relay right after they commit. */
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** Told the topic of every event Kafka acknowledged (metrics). */
  readonly onPublished?: (topics: readonly string[]) => void;
}

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  value: string;
}

/**
 * Publishes the outbox to Kafka, in `seq` order, in batches. One instance per schema leads at a time
 * (a session-level advisory lock), which keeps events of one key in order when a service scales out.
 * Rows are deleted only after Kafka acknowledged them: a crash in between republishes them, and
 * consumers deduplicate by event id. While Kafka is down the send waits, and rows accumulate safely.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private runner: QueryRunner | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pendingNudge = false;
  private readonly lockKey: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.lockKey = `tessera:outbox:${options.schema}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a transaction that wrote to the outbox commits, so its events go out within ms. */
  nudge(): void {
    this.pendingNudge = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.runner
      ?.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey])
      .catch(() => undefined);
    await this.runner?.release();
    this.runner = null;
  }

  /** Publishes everything pending now; returns how many events went out. Used by the loop and by tests. */
  async drain(): Promise<number> {
    const runner = await this.leaderConnection();
    if (!runner) return 0;
    let total = 0;
    for (;;) {
      const rows = (await runner.query(
        `SELECT "seq", "topic", "key", "value" FROM "${this.options.schema}"."outbox" ORDER BY "seq" LIMIT $1`,
        [this.options.batchSize ?? 500],
      )) as OutboxRow[];
      if (rows.length === 0) return total;
      await this.publisher.publish(rows.map(({ topic, key, value }) => ({ topic, key, value })));
      this.options.onPublished?.(rows.map((row) => row.topic));
      await runner.query(`DELETE FROM "${this.options.schema}"."outbox" WHERE "seq" = ANY($1::bigint[])`, [
        rows.map((row) => row.seq),
      ]);
      total += rows.length;
    }
  }

  private async run(): Promise<void> {
    let backoffMs = 100;
    while (this.running) {
      try {
        this.pendingNudge = false;
        await this.drain();
        backoffMs = 100;
        await this.sleep(this.options.pollIntervalMs ?? 250);
      } catch (error) {
        this.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)}; retrying`);
        await this.dropConnection();
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  /** The connection that holds the leader lock, or null while another instance leads. */
  private async leaderConnection(): Promise<QueryRunner | null> {
    if (this.runner) return this.runner;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      this.lockKey,
    ])) as {
      locked: boolean;
    }[];
    if (!row?.locked) {
      await runner.release();
      return null;
    }
    this.runner = runner;
    return runner;
  }

  private async dropConnection(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    await runner?.release().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (this.pendingNudge || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wake = null;
    });
  }
}
