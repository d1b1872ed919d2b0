import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RevocationsRepository } from './revocations.repository';
import { RevokedJtiMarker } from './revoked-jti-marker';

const PAGE_SIZE = 1000;

/**
 * Rebuilds the Redis fast-lookup set of revoked jtis from PostgreSQL (the source of truth, DESIGN §4):
 * at start, and each time Redis comes back after an outage (it may have restarted empty, or missed
 * marks that failed while it was down). Pages of PAGE_SIZE rows, one pipelined round trip each.
 */
@Injectable()
export class RevokedJtiRebuilder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RevokedJtiRebuilder.name);
  private running: Promise<void> | null = null;
  /** A reconnection happened while a rebuild was running: run once more when it ends. */
  private rerun = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly repository: RevocationsRepository,
    private readonly marker: RevokedJtiMarker,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.marker.onReconnected(() => void this.rebuild());
    // Not awaited: the service can answer while the cache fills; PostgreSQL stays the truth meanwhile.
    void this.rebuild();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.running;
  }

  /** Starts a rebuild, or schedules one more if one is running; resolves when no rebuild is pending. */
  rebuild(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.runUntilSettled().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runUntilSettled(): Promise<void> {
    do {
      this.rerun = false;
      await this.runOnce();
    } while (this.rerun && !this.stopped);
  }

  private async runOnce(): Promise<void> {
    if (!this.marker.available) return; // the next 'ready' starts it again
    const startedAt = Date.now();
    let restored = 0;
    try {
      for (let afterKey = ''; !this.stopped;) {
        const now = Math.floor(Date.now() / 1000);
        const page = await this.repository.liveRevokedJtis(now, afterKey, PAGE_SIZE);
        if (page.length === 0) break;
        await this.marker.markMany(page, now);
        restored += page.length;
        afterKey = page[page.length - 1]!.targetKey;
      }
      this.logger.log(`restored ${restored} revoked jtis in Redis in ${Date.now() - startedAt} ms`);
    } catch (error) {
      // Redis or PostgreSQL went away mid-way: the next reconnection ('ready') runs it again.
      this.logger.warn(
        `rebuilding revoked jtis in Redis stopped after ${restored}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
