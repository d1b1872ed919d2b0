import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LogRow } from '../ingestion/log-row';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import type { SqlCondition } from '../logs/log-query';

/** A stored log event as read back: its row, its ingestion sequence. */
export interface StoredLog extends LogRow {
  readonly seq: string;
  readonly client_name: string | null;
}

// Read as text (a bigint does not fit a JS number); ORDER BY names `l."seq"`, the bigint column, since
// a bare "seq" would sort by this text alias (so "10" before "9").
const COLUMNS = `l."date", l."event_id", l."seq"::text AS "seq", "type", "description", "client_id", "client_name",
  "ip", "user_agent", "user_id", "user_name", "connection", "audience", "scope", "details"`;

interface RawLog extends Omit<StoredLog, 'date'> {
  readonly date: Date;
}

function stored(row: RawLog): StoredLog {
  return { ...row, date: row.date.toISOString() };
}

/** Where a consumer of one topic partition stands: stored with the rows it produced. */
export interface Position {
  readonly consumer: string;
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: string;
}

/** A search stopped by `TESSERA_AUDIT_QUERY_TIMEOUT_MS` (PostgreSQL's statement_timeout). */
export class LogSearchTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the log search took longer than ${timeoutMs} ms`);
  }
}

/** SQLSTATE query_canceled: what a statement_timeout raises. */
const QUERY_CANCELED = '57014';
const DEFAULT_QUERY_TIMEOUT_MS = 5_000;

/**
 * The log store: the only code that reads or writes `audit.log_events`, and that reads the consumers'
 * positions (the log streams write theirs with LogStreamsRepository, outside any batch of rows).
 */
@Injectable()
export class LogEventsRepository {
  private readonly queryTimeoutMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_CONFIG) config?: Pick<AuditConfig, 'TESSERA_AUDIT_QUERY_TIMEOUT_MS'>,
  ) {
    this.queryTimeoutMs = config?.TESSERA_AUDIT_QUERY_TIMEOUT_MS ?? DEFAULT_QUERY_TIMEOUT_MS;
  }

  /**
   * Writes a batch's log rows and the consumer's new position in ONE transaction: either both are
   * there after a crash or neither is, so the consumer resumes exactly after the last stored batch.
   * A row already there (same day and event id) is left as it is. Returns how many rows were new.
   */
  async writeBatch(rows: readonly LogRow[], position: Position): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      let inserted = 0;
      if (rows.length > 0) {
        const result: unknown[] = await manager.query(
          `INSERT INTO "audit"."log_events" ("date", "event_id", "type", "description", "client_id", "ip",
             "user_agent", "user_id", "user_name", "connection", "audience", "scope", "details")
           SELECT r.date, r.event_id, r.type, r.description, r.client_id, r.ip, r.user_agent, r.user_id,
             r.user_name, r.connection, r.audience, r.scope, r.details
           FROM jsonb_to_recordset($1::jsonb) AS r("date" timestamptz, event_id uuid, type text,
             description text, client_id text, ip text, user_agent text, user_id text, user_name text,
             connection text, audience text, scope text, details jsonb)
           ORDER BY r.date
           ON CONFLICT ("date", "event_id") DO NOTHING
           RETURNING 1`,
          [JSON.stringify(rows)],
        );
        inserted = result.length;
      }
      // A position only moves forward: a batch re-read after a rebalance cannot move it back.
      await manager.query(
        `INSERT INTO "audit"."consumer_positions" ("consumer", "topic", "partition", "next_offset")
         VALUES ($1, $2, $3, $4)
         ON CONFLICT ("consumer", "topic", "partition")
         DO UPDATE SET "next_offset" = GREATEST("consumer_positions"."next_offset", EXCLUDED."next_offset")`,
        [position.consumer, position.topic, position.partition, position.nextOffset],
      );
      return inserted;
    });
  }

  /** The stored next offset of each partition of a topic, for one consumer. */
  async positions(consumer: string, topic: string): Promise<Map<number, bigint>> {
    const rows: { partition: number; next_offset: string }[] = await this.dataSource.query(
      `SELECT "partition", "next_offset"::text AS "next_offset" FROM "audit"."consumer_positions"
       WHERE "consumer" = $1 AND "topic" = $2`,
      [consumer, topic],
    );
    return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
  }

  /** One page of the events matching `where`, newest or oldest first, and optionally their count. */
  async search(
    where: SqlCondition,
    order: 'asc' | 'desc',
    skip: number,
    take: number,
    withTotal: boolean,
  ): Promise<{ logs: StoredLog[]; total: number }> {
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const n = where.params.length;
    return this.bounded(async (manager) => {
      const rows: RawLog[] = await manager.query(
        `SELECT ${COLUMNS} FROM "audit"."log_events" l WHERE ${where.sql}
         ORDER BY l."date" ${direction}, l."seq" ${direction} OFFSET $${n + 1} LIMIT $${n + 2}`,
        [...where.params, skip, take],
      );
      let total = rows.length + skip;
      if (withTotal) {
        const [count] = await manager.query<{ count: number }[]>(
          `SELECT count(*)::int AS "count" FROM "audit"."log_events" WHERE ${where.sql}`,
          where.params,
        );
        total = count?.count ?? 0;
      }
      return { logs: rows.map(stored), total };
    });
  }

  /**
   * Runs a search's statements in a read-only transaction whose statements PostgreSQL cancels after
   * `TESSERA_AUDIT_QUERY_TIMEOUT_MS` (SET LOCAL: the setting ends with the transaction, so the pooled
   * connection goes back as it was). A cancelled search is a `LogSearchTimeout`.
   */
  private async bounded<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = ${this.queryTimeoutMs}`);
        await manager.query('SET TRANSACTION READ ONLY');
        return work(manager);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === QUERY_CANCELED)
        throw new LogSearchTimeout(this.queryTimeoutMs);
      throw error;
    }
  }

  /** The events ingested after sequence `afterSeq`, in ingestion order (checkpoint paging). */
  async after(afterSeq: string, take: number): Promise<StoredLog[]> {
    const rows: RawLog[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM "audit"."log_events" l WHERE l."seq" > $1 ORDER BY l."seq" LIMIT $2`,
      [afterSeq, take],
    );
    return rows.map(stored);
  }

  /**
   * The stored log events of these events (by day and event id, the primary key), in no order; an
   * event not stored yet is missing from the answer (log streams wait for ingestion to catch up).
   */
  async findByEvents(keys: readonly { date: string; event_id: string }[]): Promise<StoredLog[]> {
    if (keys.length === 0) return [];
    const rows: RawLog[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM "audit"."log_events" l
       JOIN unnest($1::timestamptz[], $2::uuid[]) AS k("date", "event_id")
         ON l."date" = k."date" AND l."event_id" = k."event_id"`,
      [keys.map((key) => key.date), keys.map((key) => key.event_id)],
    );
    return rows.map(stored);
  }

  /** One event by its sequence within its day (the parts of its log id). */
  async find(seq: string, dayStart: Date, dayEnd: Date): Promise<StoredLog | null> {
    const rows: RawLog[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM "audit"."log_events" l
       WHERE l."seq" = $1 AND l."date" >= $2 AND l."date" < $3`,
      [seq, dayStart.toISOString(), dayEnd.toISOString()],
    );
    return rows[0] ? stored(rows[0]) : null;
  }
}
