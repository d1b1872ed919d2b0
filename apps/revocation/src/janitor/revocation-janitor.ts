import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TOPICS } from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { ExpiredRevocationsRepository } from './expired-revocations.repository';

const PAGE_SIZE = 1000;

/**
 * Keeps the revocation topic bounded by live revocations (issue #15 §2): once the token a revocation
 * covers has expired, plus `TESSERA_REVOCATION_TOMBSTONE_SKEW_SECONDS` for validators whose clocks
 * run behind, it writes a tombstone (null value, same key) so compaction removes the revocation.
 *
 * Durable: PostgreSQL's revocation rows hold each expiry and whether its tombstone was written, so a
 * restarted janitor resumes where it stopped. A tombstone is sent before its row is marked, in the
 * row's lock: a crash in between only sends that tombstone again, which changes nothing.
 */
@Injectable()
export class RevocationJanitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RevocationJanitor.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ExpiredRevocationsRepository,
    private readonly publisher: EventPublisher,
    @Inject(REVOCATION_CONFIG) private readonly config: RevocationConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Tombstones every revocation expired by now (page by page); returns how many it tombstoned. */
  sweep(nowSeconds = Math.floor(Date.now() / 1000)): Promise<number> {
    this.running ??= this.sweepAll(
      nowSeconds - this.config.TESSERA_REVOCATION_TOMBSTONE_SKEW_SECONDS,
    ).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep()
        .catch((error: unknown) =>
          // Kafka or PostgreSQL away: nothing is lost, the rows still wait; the next run tries again.
          this.logger.warn(`sweep failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => this.schedule(this.config.TESSERA_REVOCATION_JANITOR_INTERVAL_SECONDS * 1000));
    }, delayMs);
    this.timer.unref();
  }

  private async sweepAll(cutoffSeconds: number): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const count = await this.dataSource.transaction(async (manager) => {
        const keys = await this.repository.lockExpired(manager, cutoffSeconds, PAGE_SIZE);
        if (keys.length === 0) return 0;
        await this.publisher.publish(
          keys.map((key) => ({ topic: TOPICS.tokensRevoked.name, key, value: null })),
        );
        await this.repository.markTombstoned(manager, keys);
        return keys.length;
      });
      total += count;
      if (count < PAGE_SIZE) break;
    }
    if (total > 0) this.logger.log(`tombstoned ${total} expired revocations`);
    return total;
  }
}
