import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;
const PARTITION = /^log_events_p(\d{4})(\d{2})(\d{2})$/;

/** `2026-12-03` for the UTC day of an instant. */
export function dayOf(instant: Date | string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

function partitionName(day: string): string {
  return `log_events_p${day.replaceAll('-', '')}`;
}

/**
 * The day partitions of `audit.log_events`: created ahead of the clock (and on demand for a day a
 * replay reaches), dropped whole once older than the retention. Every DDL statement runs in its own
 * short transaction under an advisory lock, never inside an ingestion transaction, so two instances
 * never race on one partition and no insert waits behind a long-held table lock.
 */
@Injectable()
export class LogPartitionsRepository {
  private readonly known = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  /** The days that have a partition. */
  async days(): Promise<string[]> {
    const rows: { relname: string }[] = await this.dataSource.query(
      `SELECT c.relname FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE n.nspname = 'audit' AND p.relname = 'log_events'`,
    );
    const days = rows.flatMap(({ relname }) => {
      const match = PARTITION.exec(relname);
      return match ? [`${match[1]}-${match[2]}-${match[3]}`] : [];
    });
    this.known.clear();
    for (const day of days) this.known.add(day);
    return days.sort();
  }

  /** Makes sure each of these days (YYYY-MM-DD) has its partition. */
  async ensure(days: Iterable<string>): Promise<void> {
    for (const day of new Set(days)) {
      if (this.known.has(day)) continue;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
      const start = new Date(`${day}T00:00:00Z`);
      const end = new Date(start.getTime() + DAY_MS);
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tessera:audit:partitions'))`);
        await manager.query(
          `CREATE TABLE IF NOT EXISTS "audit"."${partitionName(day)}" PARTITION OF "audit"."log_events"
             FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
        );
      });
      this.known.add(day);
    }
  }

  /** Drops the partitions of days that ended before `cutoff`; returns the days dropped. */
  async dropBefore(cutoff: Date): Promise<string[]> {
    const dropped: string[] = [];
    for (const day of await this.days()) {
      if (new Date(`${day}T00:00:00Z`).getTime() + DAY_MS > cutoff.getTime()) continue;
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tessera:audit:partitions'))`);
        await manager.query(`DROP TABLE IF EXISTS "audit"."${partitionName(day)}"`);
      });
      this.known.delete(day);
      dropped.push(day);
    }
    return dropped;
  }
}
