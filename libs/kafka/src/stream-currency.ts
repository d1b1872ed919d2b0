import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';

const PROBE_INTERVAL_MS = 1_000;

interface Probe {
  /** When the high watermarks were asked for: a reader that reaches them was current then. */
  readonly at: number;
  readonly highs: ReadonlyMap<number, bigint>;
}

/**
 * How far behind its topic a broadcast reader is, in time (security review #5, issue #15): once a
 * second it reads the topic's high watermarks, and when the reader has applied everything up to them
 * it was current as of that reading. `lagMs` is the age of the newest reading it has reached; it grows
 * while the reader falls behind, and while the broker cannot be asked — a reader that cannot tell
 * whether it is current is treated as not current (fail closed).
 */
export class StreamCurrency {
  private readonly logger: Logger;
  private readonly applied = new Map<number, bigint>();
  private pending: Probe[] = [];
  private currentAt: number | null = null;
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = new Logger(`Currency:${topic}`);
  }

  /** The reader has applied the offset before `next` on `partition`. */
  recordApplied(partition: number, next: bigint): void {
    this.applied.set(partition, next);
    this.settlePending();
  }

  /** The reader has caught up with the topic as it was at `at` (its start). Starts the probing. */
  markCurrent(at: number): void {
    this.currentAt = Math.max(this.currentAt ?? at, at);
    if (this.timer) return;
    this.timer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  /** How long ago the reader was last known to be current; Infinity before it ever was. */
  lagMs(): number {
    return this.currentAt === null ? Number.POSITIVE_INFINITY : Math.max(0, this.now() - this.currentAt);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.closeAdmin();
  }

  /** One reading of the high watermarks; a failed one is simply not a confirmation. */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    const at = this.now();
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const offsets = await this.admin.fetchTopicOffsets(this.topic);
      const highs = new Map<number, bigint>();
      for (const { partition, high, low } of offsets) {
        // A partition this reader has never read from is at its low watermark.
        if (!this.applied.has(partition)) this.applied.set(partition, BigInt(low));
        highs.set(partition, BigInt(high));
      }
      this.pending.push({ at, highs });
      // Bounded: a reader far behind needs only its oldest unmet readings, one per second.
      if (this.pending.length > 120) this.pending.splice(0, this.pending.length - 120);
      this.settlePending();
    } catch (error) {
      this.logger.warn(
        `cannot read the high watermarks: ${error instanceof Error ? error.message : String(error)}`,
      );
      await this.closeAdmin();
    } finally {
      this.probing = false;
    }
  }

  private settlePending(): void {
    while (this.pending.length > 0 && this.reached(this.pending[0]!)) {
      const { at } = this.pending.shift()!;
      this.currentAt = Math.max(this.currentAt ?? at, at);
    }
  }

  private reached(probe: Probe): boolean {
    for (const [partition, high] of probe.highs) {
      if ((this.applied.get(partition) ?? 0n) < high) return false;
    }
    return true;
  }

  private async closeAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}
