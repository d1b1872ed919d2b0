import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { LogEventsRepository } from '../log-store/log-events.repository';
import { dayOf, LogPartitionsRepository } from '../log-store/log-partitions.repository';
import type { LogRow } from './log-row';

const DAY_MS = 86_400_000;

/**
 * Whether a log row is within the retention: older rows are not stored (their day's partition is,
 * or is about to be, dropped), so log streams must not wait for them either.
 */
export function withinRetention(row: Pick<LogRow, 'date'>, retentionDays: number, now = Date.now()): boolean {
  return Date.parse(row.date) >= now - retentionDays * DAY_MS;
}

/** Stores the log rows of one consumed batch, with the consumer's position, in the log store. */
@Injectable()
export class LogIngestionService {
  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly logs: LogEventsRepository,
    private readonly partitions: LogPartitionsRepository,
  ) {}

  /**
   * Rows older than the retention are not stored: their day's partition is (or is about to be)
   * dropped, and recreating it for a replayed old event would bring expired history back.
   */
  async ingest(
    rows: readonly LogRow[],
    position: { consumer: string; topic: string; partition: number; nextOffset: string },
  ): Promise<number> {
    const now = Date.now();
    const kept = rows.filter((row) => withinRetention(row, this.config.TESSERA_AUDIT_RETENTION_DAYS, now));
    await this.partitions.ensure(kept.map((row) => dayOf(row.date)));
    return this.logs.writeBatch(kept, position);
  }

  positions(consumer: string, topic: string): Promise<Map<number, bigint>> {
    return this.logs.positions(consumer, topic);
  }
}
