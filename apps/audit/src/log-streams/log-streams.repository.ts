import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HttpSink, LogStreamStatus } from './log-stream.schemas';
import type { LogStreamCategory } from './log-stream-categories';

/** A log stream as stored. */
export interface LogStreamRecord {
  readonly id: string;
  readonly name: string;
  readonly type: 'http';
  readonly status: LogStreamStatus;
  readonly isPriority: boolean;
  readonly sink: HttpSink;
  readonly filters: readonly { type: 'category'; name: LogStreamCategory }[];
  readonly startFrom: Date;
  readonly version: number;
  readonly failingSince: Date | null;
  readonly lastError: string | null;
}

interface RawStream {
  id: string;
  name: string;
  type: 'http';
  status: LogStreamStatus;
  sink: HttpSink & { isPriority?: boolean };
  filters: LogStreamRecord['filters'];
  start_from: Date;
  version: number;
  failing_since: Date | null;
  last_error: string | null;
}

const COLUMNS = `"id", "name", "type", "status", "sink", "filters", "start_from", "version", "failing_since", "last_error"`;

function record(row: RawStream): LogStreamRecord {
  const { isPriority, ...sink } = row.sink;
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    status: row.status,
    isPriority: isPriority ?? false,
    sink,
    filters: row.filters,
    startFrom: row.start_from,
    version: row.version,
    failingSince: row.failing_since,
    lastError: row.last_error,
  };
}

/** Where a stream's position is kept in `consumer_positions`. */
export function streamConsumer(id: string): string {
  return `log-stream:${id}`;
}

export type LogStreamChanges = Partial<
  Pick<LogStreamRecord, 'name' | 'status' | 'isPriority' | 'sink' | 'filters'>
>;

/**
 * The only code that reads or writes `audit.log_streams`, and that writes the streams' positions
 * (they are read like any consumer's, with `LogEventsRepository.positions(streamConsumer(id), …)`).
 */
@Injectable()
export class LogStreamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<LogStreamRecord[]> {
    const rows: RawStream[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM "audit"."log_streams" ORDER BY "created_at", "id"`,
    );
    return rows.map(record);
  }

  async count(): Promise<number> {
    const [row] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS "count" FROM "audit"."log_streams"`,
    );
    return row?.count ?? 0;
  }

  async find(id: string): Promise<LogStreamRecord | null> {
    const rows: RawStream[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM "audit"."log_streams" WHERE "id" = $1`,
      [id],
    );
    return rows[0] ? record(rows[0]) : null;
  }

  async create(stream: Omit<LogStreamRecord, 'version' | 'failingSince' | 'lastError'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "audit"."log_streams" ("id", "name", "type", "status", "sink", "filters", "start_from")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        stream.id,
        stream.name,
        stream.type,
        stream.status,
        JSON.stringify({ ...stream.sink, isPriority: stream.isPriority }),
        JSON.stringify(stream.filters),
        stream.startFrom.toISOString(),
      ],
    );
  }

  /**
   * Applies `changes` as one new version. A stream set active again starts afresh: its failure
   * clock is cleared (it was suspended because of it).
   */
  async update(current: LogStreamRecord, changes: LogStreamChanges): Promise<LogStreamRecord | null> {
    const next = { ...current, ...changes };
    const resumed = changes.status === 'active';
    // TypeORM answers an UPDATE or DELETE … RETURNING with [rows, affected count].
    const [rows] = await this.dataSource.query<[RawStream[], number]>(
      `UPDATE "audit"."log_streams"
       SET "name" = $2, "status" = $3, "sink" = $4, "filters" = $5, "version" = "version" + 1,
           "updated_at" = now(),
           "failing_since" = CASE WHEN $6 THEN NULL ELSE "failing_since" END,
           "last_error" = CASE WHEN $6 THEN NULL ELSE "last_error" END
       WHERE "id" = $1 RETURNING ${COLUMNS}`,
      [
        current.id,
        next.name,
        next.status,
        JSON.stringify({ ...next.sink, isPriority: next.isPriority }),
        JSON.stringify(next.filters),
        resumed,
      ],
    );
    return rows[0] ? record(rows[0]) : null;
  }

  /** Deletes a stream and its positions; false when there was none. */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [, deleted] = await manager.query<[unknown[], number]>(
        `DELETE FROM "audit"."log_streams" WHERE "id" = $1 RETURNING 1`,
        [id],
      );
      await manager.query(`DELETE FROM "audit"."consumer_positions" WHERE "consumer" = $1`, [
        streamConsumer(id),
      ]);
      return deleted > 0;
    });
  }

  /** Records a failed delivery: when the failures began (kept if already set) and the last error. */
  async recordFailure(id: string, error: string): Promise<Date> {
    const [rows] = await this.dataSource.query<[{ failing_since: Date }[], number]>(
      `UPDATE "audit"."log_streams"
       SET "failing_since" = COALESCE("failing_since", now()), "last_error" = $2
       WHERE "id" = $1 RETURNING "failing_since"`,
      [id, error],
    );
    return rows[0]?.failing_since ?? new Date();
  }

  async clearFailure(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "audit"."log_streams" SET "failing_since" = NULL, "last_error" = NULL
       WHERE "id" = $1 AND "failing_since" IS NOT NULL`,
      [id],
    );
  }

  /** Suspends an active stream that has kept failing; its position stays where it is. */
  async suspend(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "audit"."log_streams" SET "status" = 'suspended', "updated_at" = now()
       WHERE "id" = $1 AND "status" = 'active'`,
      [id],
    );
  }

  /**
   * Stores where a stream resumes on one partition, after a batch was delivered. Only forward, and
   * only while the stream exists: a delivery that ends after a DELETE leaves nothing behind.
   */
  async savePosition(id: string, topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "audit"."consumer_positions" ("consumer", "topic", "partition", "next_offset")
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM "audit"."log_streams" WHERE "id" = $5)
       ON CONFLICT ("consumer", "topic", "partition")
       DO UPDATE SET "next_offset" = GREATEST("consumer_positions"."next_offset", EXCLUDED."next_offset")`,
      [streamConsumer(id), topic, partition, nextOffset.toString(), id],
    );
  }
}
