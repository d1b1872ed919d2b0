import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { loginSessionStarted } from '@app/contracts';
import type { Metadata } from '../management/metadata';
import { REGISTRY_TABLES } from './registry-tables';

type SessionStarted = ReturnType<typeof loginSessionStarted.create>;

/** A login session at the hosted login page (Auth0's "session"). */
export interface LoginSessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly connection: string;
  readonly clientIds: string[];
  /** Epoch seconds. */
  readonly authenticatedAt: number;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
  readonly lastInteractedAt: number;
  readonly userAgent: string | null;
  readonly ip: string | null;
  /** Auth0's `session_metadata`. */
  readonly metadata: Metadata;
}

interface Row {
  id: string;
  user_id: string;
  connection: string;
  client_ids: string[];
  authenticated_at: string;
  expires_at: string;
  idle_expires_at: string;
  last_interacted_at: string;
  user_agent: string | null;
  ip: string | null;
  session_metadata: Metadata;
}

const T = REGISTRY_TABLES.loginSessions;
const LIVE = `"revoked_at" IS NULL AND "expires_at" > $1 AND "idle_expires_at" > $1`;

@Injectable()
export class LoginSessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records started sessions (the session id is the key: a redelivery inserts nothing). A session first
   * heard of after it was deleted is recorded as revoked. (A session a new login replaced is revoked
   * with its grants by `AuditStreamRevocations`, like a deleted one.)
   */
  async record(events: readonly SessionStarted[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(({ payload }) => ({
      id: payload.session_id,
      user_id: payload.user_id,
      connection: payload.connection,
      client_id: payload.client_id,
      authenticated_at: payload.authenticated_at,
      expires_at: payload.expires_at,
      idle_expires_at: payload.idle_expires_at,
      user_agent: payload.user_agent ?? null,
      ip: payload.ip ?? null,
    }));
    await this.dataSource.query(
      `INSERT INTO ${T} ("id", "user_id", "connection", "client_ids", "authenticated_at", "expires_at",
         "idle_expires_at", "last_interacted_at", "user_agent", "ip", "revoked_at")
       SELECT DISTINCT ON (r.id) r.id, r.user_id, r.connection, ARRAY[r.client_id], r.authenticated_at,
         r.expires_at, r.idle_expires_at, r.authenticated_at, r.user_agent, r.ip,
         (SELECT v."revoked_at" FROM ${REGISTRY_TABLES.revocations} v WHERE v."target_key" = 'session:' || r.id)
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, user_id text, connection text, client_id text,
         authenticated_at bigint, expires_at bigint, idle_expires_at bigint, user_agent text, ip text)
       ON CONFLICT ("id") DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /** A client used the session (a token issued with its `session_id`): listed among its clients. */
  async recordUse(uses: readonly { sessionId: string; clientId: string; at: number }[]): Promise<void> {
    if (uses.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${T} AS t SET
         "client_ids" = CASE WHEN r.client_id = ANY(t."client_ids") THEN t."client_ids"
                             ELSE array_append(t."client_ids", r.client_id) END,
         "last_interacted_at" = GREATEST(t."last_interacted_at", r.at)
       FROM (SELECT DISTINCT ON (session_id, client_id) * FROM jsonb_to_recordset($1::jsonb)
             AS x(session_id text, client_id text, at bigint) ORDER BY session_id, client_id, at DESC) AS r
       WHERE t."id" = r.session_id`,
      [
        JSON.stringify(
          uses.map((use) => ({ session_id: use.sessionId, client_id: use.clientId, at: use.at })),
        ),
      ],
    );
  }

  async find(id: string, nowSeconds: number): Promise<LoginSessionRecord | null> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM ${T} WHERE "id" = $2 AND ${LIVE}`, [
      nowSeconds,
      id,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Replaces a live session's metadata; null when the session is unknown (or no longer live). */
  async setMetadata(id: string, nowSeconds: number, metadata: Metadata): Promise<LoginSessionRecord | null> {
    const [rows] = await this.dataSource.query<[Row[], number]>(
      `UPDATE ${T} SET "session_metadata" = $3::jsonb WHERE "id" = $2 AND ${LIVE} RETURNING *`,
      [nowSeconds, id, JSON.stringify(metadata)],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** One page of the user's live sessions in id order after `afterId` (checkpoint pagination). */
  async pageOfUser(
    userId: string,
    nowSeconds: number,
    afterId: string,
    take: number,
  ): Promise<{ items: LoginSessionRecord[]; more: boolean }> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM ${T} WHERE "user_id" = $2 AND "id" > $3 AND ${LIVE} ORDER BY "id" LIMIT $4`,
      [nowSeconds, userId, afterId, take + 1],
    );
    return { items: rows.slice(0, take).map(toRecord), more: rows.length > take };
  }

  /** The user's live sessions, or only those started at or before `startedUpTo` (epoch seconds). */
  async liveIdsOfUser(
    userId: string,
    nowSeconds: number,
    manager: EntityManager = this.dataSource.manager,
    startedUpTo = Number.MAX_SAFE_INTEGER,
  ): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT "id" FROM ${T} WHERE "user_id" = $2 AND ${LIVE} AND "authenticated_at" <= $3 ORDER BY "id"`,
      [nowSeconds, userId, startedUpTo],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The absolute expiry of a session not revoked yet, after which its revocation no longer matters;
   * null when the session is unknown or already revoked.
   */
  /** An unrevoked session's expiry, user and clients; null when it is unknown or already revoked. */
  async live(
    manager: EntityManager,
    id: string,
  ): Promise<{ expiresAt: number; userId: string; clientIds: string[] } | null> {
    const rows = await manager.query<{ expires_at: string; user_id: string; client_ids: string[] }[]>(
      `SELECT "expires_at", "user_id", "client_ids" FROM ${T} WHERE "id" = $1 AND "revoked_at" IS NULL`,
      [id],
    );
    const row = rows[0];
    return row ? { expiresAt: Number(row.expires_at), userId: row.user_id, clientIds: row.client_ids } : null;
  }

  async markRevoked(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE ${T} SET "revoked_at" = $2 WHERE "id" = $1 AND "revoked_at" IS NULL`, [
      id,
      at,
    ]);
  }
}

function toRecord(row: Row): LoginSessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    connection: row.connection,
    clientIds: row.client_ids,
    authenticatedAt: Number(row.authenticated_at),
    expiresAt: Number(row.expires_at),
    idleExpiresAt: Number(row.idle_expires_at),
    lastInteractedAt: Number(row.last_interacted_at),
    userAgent: row.user_agent,
    ip: row.ip,
    metadata: row.session_metadata,
  };
}
