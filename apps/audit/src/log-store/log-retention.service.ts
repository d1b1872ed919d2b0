import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { dayOf, LogPartitionsRepository } from './log-partitions.repository';

const DAY_MS = 86_400_000;
/** Partitions exist this many days ahead, so midnight never finds the next day without one. */
export const PARTITION_DAYS_AHEAD = 3;
const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

/** Keeps the day partitions: today and the next days created ahead, days past the retention dropped. */
@Injectable()
export class LogRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogRetentionService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly partitions: LogPartitionsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Before the consumers store anything: today's partition must exist.
    await this.maintain();
    this.timer = setInterval(() => {
      this.maintain().catch((error: unknown) =>
        this.logger.warn(
          `partition maintenance failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Creates the partitions ahead and drops the expired ones; returns the days dropped. */
  async maintain(now = new Date()): Promise<string[]> {
    await this.partitions.days();
    const ahead = Array.from({ length: PARTITION_DAYS_AHEAD + 1 }, (_, i) =>
      dayOf(new Date(now.getTime() + i * DAY_MS)),
    );
    await this.partitions.ensure(ahead);
    const dropped = await this.partitions.dropBefore(
      new Date(now.getTime() - this.config.TESSERA_AUDIT_RETENTION_DAYS * DAY_MS),
    );
    if (dropped.length > 0) this.logger.log(`dropped the log partitions of ${dropped.join(', ')}`);
    return dropped;
  }
}
