import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { refreshTokenIssued, refreshTokenRotated } from '@app/contracts';
import type { Metadata } from '../management/metadata';
import type { DeviceFacts } from '../management/device-view';
import { REGISTRY_TABLES } from './registry-tables';

type IssuedOrRotated =
  ReturnType<typeof refreshTokenIssued.create> | ReturnType<typeof refreshTokenRotated.create>;

/** A refresh token as the registry knows it: identifiers and dates, never the token. */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly sessionId: string | null;
  readonly audiences: string[];
  readonly scope: string;
  readonly rotating: boolean;
  readonly device: string | null;
  /** Epoch seconds. */
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly idleExpiresAt: number | null;
  readonly lastExchangedAt: number | null;
  /** Where the family's first token (`initial*`) and this, its latest token (`last*`), were obtained. */
  readonly seenFrom: DeviceFacts;
  /** Auth0's `refresh_token_metadata`, shared by the family (it follows the token through rotation). */
  readonly metadata: Metadata;
}

/** Filters of the list endpoints; every one optional. */
export interface RefreshTokenFilter {
  readonly userId?: string;
  readonly clientId?: string;
  readonly rotating?: boolean;
}

interface Row {
  id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  session_id: string | null;
  aud: string[];
  scope: string;
  rotating: boolean;
  device: string | null;
  created_at: string;
  expires_at: string | null;
  idle_expires_at: string | null;
  last_exchanged_at: string | null;
  ip: string | null;
  user_agent: string | null;
  initial_ip: string | null;
  initial_user_agent: string | null;
  refresh_token_metadata: Metadata | null;
}

const T = REGISTRY_TABLES.refreshTokens;
const REVOCATIONS = REGISTRY_TABLES.revocations;
const METADATA = REGISTRY_TABLES.refreshTokenMetadata;
/**
 * The tokens with their family's metadata and first token's origin (the conditions below name only
 * the tokens' columns: the lateral join exposes nothing else, so they stay unambiguous).
 */
const TOKENS_WITH_METADATA = `SELECT ${T}.*, m."refresh_token_metadata", f."initial_ip", f."initial_user_agent"
  FROM ${T}
  LEFT JOIN ${METADATA} m ON m."grant_id" = ${T}."grant_id"
  LEFT JOIN LATERAL (SELECT first."ip" AS "initial_ip", first."user_agent" AS "initial_user_agent"
    FROM ${T} first WHERE first."grant_id" = ${T}."grant_id" AND first."first_of_family" LIMIT 1) f ON true`;
const nullableNumber = (value: string | null) => (value === null ? null : Number(value));

/**
 * The usable refresh tokens: not revoked, not rotated away (a family's latest token stands for it),
 * not past their absolute or idle expiry.
 */
const USABLE = `"revoked_at" IS NULL AND "rotated_to" IS NULL
  AND ("expires_at" IS NULL OR "expires_at" > $1) AND ("idle_expires_at" IS NULL OR "idle_expires_at" > $1)`;

@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records issued and rotated refresh tokens, idempotently (the id is the key; marking the previous
   * token rotated sets the same values again on a redelivery). A token that arrives after its grant
   * was revoked (the audit stream can lag a revocation) is recorded as revoked.
   */
  async record(events: readonly IssuedOrRotated[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(({ payload }) => ({
      id: payload.refresh_token_id,
      grant_id: payload.grant_id,
      client_id: payload.client_id,
      user_id: payload.sub,
      session_id: payload.session_id ?? null,
      aud: payload.aud,
      scope: payload.scope,
      rotating: payload.rotating,
      device: payload.device ?? null,
      ip: payload.ip ?? null,
      user_agent: payload.user_agent ?? null,
      // `refresh_token.issued` starts a family; `.rotated` continues one (it names its predecessor).
      first_of_family: !('previous_refresh_token_id' in payload),
      created_at: payload.issued_at,
      expires_at: payload.expires_at,
      idle_expires_at: payload.idle_expires_at,
      previous_id: 'previous_refresh_token_id' in payload ? payload.previous_refresh_token_id : null,
    }));
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO ${T} ("id", "grant_id", "client_id", "user_id", "session_id", "aud", "scope",
           "rotating", "device", "ip", "user_agent", "first_of_family", "created_at", "expires_at",
           "idle_expires_at", "revoked_at")
         SELECT r.id, r.grant_id, r.client_id, r.user_id, r.session_id,
           ARRAY(SELECT jsonb_array_elements_text(r.aud)), r.scope, r.rotating, r.device, r.ip,
           r.user_agent, r.first_of_family, r.created_at, r.expires_at, r.idle_expires_at,
           (SELECT v."revoked_at" FROM ${REVOCATIONS} v WHERE v."target_key" IN ('grant:' || r.grant_id, 'rt:' || r.id) LIMIT 1)
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, grant_id text, client_id text, user_id text,
           session_id text, aud jsonb, scope text, rotating boolean, device text, ip text,
           user_agent text, first_of_family boolean, created_at bigint, expires_at bigint,
           idle_expires_at bigint)
         ON CONFLICT ("id") DO NOTHING`,
        [JSON.stringify(rows)],
      );
      const rotations = rows.filter((row) => row.previous_id !== null);
      if (rotations.length === 0) return;
      await manager.query(
        `UPDATE ${T} AS t SET "rotated_to" = r.id,
           "last_exchanged_at" = GREATEST(COALESCE(t."last_exchanged_at", 0), r.created_at)
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, previous_id text, created_at bigint)
         WHERE t."id" = r.previous_id`,
        [JSON.stringify(rotations)],
      );
    });
  }

  /** A non-rotating token was exchanged (an access token issued by the refresh grant of its grant). */
  async recordExchanges(exchanges: readonly { grantId: string; at: number }[]): Promise<void> {
    if (exchanges.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${T} AS t SET "last_exchanged_at" = GREATEST(COALESCE(t."last_exchanged_at", 0), r.at)
       FROM jsonb_to_recordset($1::jsonb) AS r(grant_id text, at bigint)
       WHERE t."grant_id" = r.grant_id AND t."rotated_to" IS NULL`,
      [JSON.stringify(exchanges.map(({ grantId, at }) => ({ grant_id: grantId, at })))],
    );
  }

  async find(id: string, nowSeconds: number): Promise<RefreshTokenRecord | null> {
    const rows = await this.dataSource.query<Row[]>(`${TOKENS_WITH_METADATA} WHERE "id" = $2 AND ${USABLE}`, [
      nowSeconds,
      id,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Replaces the metadata of a refresh-token family (`PATCH /api/v2/refresh-tokens/{id}`). */
  async setMetadata(grantId: string, metadata: Metadata): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${METADATA} ("grant_id", "refresh_token_metadata") VALUES ($1, $2::jsonb)
       ON CONFLICT ("grant_id") DO UPDATE SET "refresh_token_metadata" = EXCLUDED."refresh_token_metadata",
         "updated_at" = now()`,
      [grantId, JSON.stringify(metadata)],
    );
  }

  /** One page of usable tokens, newest first (ties by id, so pages never overlap). */
  async list(
    filter: RefreshTokenFilter,
    nowSeconds: number,
    page: { skip: number; take: number },
  ): Promise<{ items: RefreshTokenRecord[]; total: number }> {
    const { where, params } = filterSql(filter, nowSeconds);
    const [rows, counted] = await Promise.all([
      this.dataSource.query<Row[]>(
        `${TOKENS_WITH_METADATA} WHERE ${where} ORDER BY "id" LIMIT $${params.length + 1}
         OFFSET $${params.length + 2}`,
        [...params, page.take, page.skip],
      ),
      this.dataSource.query<{ total: string }[]>(`SELECT count(*) AS total FROM ${T} WHERE ${where}`, params),
    ]);
    return { items: rows.map(toRecord), total: Number(counted[0]?.total ?? 0) };
  }

  /**
   * A user's usable tokens in id order after `afterId` (Auth0's checkpoint pagination: `from` is the
   * last id of the previous page). Fetches one more than asked to tell whether a next page exists.
   */
  async pageOfUser(
    userId: string,
    nowSeconds: number,
    afterId: string,
    take: number,
  ): Promise<{ items: RefreshTokenRecord[]; more: boolean }> {
    const rows = await this.dataSource.query<Row[]>(
      `${TOKENS_WITH_METADATA} WHERE "user_id" = $2 AND "id" > $3 AND ${USABLE} ORDER BY "id" LIMIT $4`,
      [nowSeconds, userId, afterId, take + 1],
    );
    return { items: rows.slice(0, take).map(toRecord), more: rows.length > take };
  }

  /**
   * Grants that hold a usable refresh token of the user, or only the families that existed at
   * `startedUpTo` (epoch seconds: one of their tokens was issued by then, though the latest may be newer).
   */
  async grantsOfUser(
    userId: string,
    nowSeconds: number,
    manager: EntityManager = this.dataSource.manager,
    startedUpTo?: number,
  ): Promise<string[]> {
    const rows = await manager.query<{ grant_id: string }[]>(
      startedUpTo === undefined
        ? `SELECT DISTINCT "grant_id" FROM ${T} WHERE "user_id" = $2 AND ${USABLE}`
        : `SELECT DISTINCT "grant_id" FROM ${T} WHERE "user_id" = $2 AND ${USABLE}
             AND "grant_id" IN (SELECT "grant_id" FROM ${T} WHERE "user_id" = $2 AND "created_at" <= $3)`,
      startedUpTo === undefined ? [nowSeconds, userId] : [nowSeconds, userId, startedUpTo],
    );
    return rows.map((row) => row.grant_id);
  }

  async grantsOfSession(manager: EntityManager, sessionId: string): Promise<string[]> {
    const rows = await manager.query<{ grant_id: string }[]>(
      `SELECT DISTINCT "grant_id" FROM ${T} WHERE "session_id" = $1`,
      [sessionId],
    );
    return rows.map((row) => row.grant_id);
  }

  /**
   * The latest expiry of a grant's refresh tokens (epoch seconds): null when one never expires,
   * undefined when the registry knows none of them.
   */
  async familyExpiry(manager: EntityManager, grantId: string): Promise<number | null | undefined> {
    const rows = await manager.query<{ known: string; infinite: string; latest: string | null }[]>(
      `SELECT count(*) AS known, count(*) FILTER (WHERE "expires_at" IS NULL) AS infinite,
         max("expires_at") AS latest FROM ${T} WHERE "grant_id" = $1`,
      [grantId],
    );
    const row = rows[0];
    if (!row || Number(row.known) === 0) return undefined;
    if (Number(row.infinite) > 0) return null;
    return nullableNumber(row.latest);
  }

  async markGrantsRevoked(manager: EntityManager, grantIds: readonly string[], at: Date): Promise<void> {
    if (grantIds.length === 0) return;
    await manager.query(
      `UPDATE ${T} SET "revoked_at" = $2 WHERE "grant_id" = ANY($1) AND "revoked_at" IS NULL`,
      [grantIds, at],
    );
  }

  async markRevoked(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE ${T} SET "revoked_at" = $2 WHERE "id" = $1 AND "revoked_at" IS NULL`, [
      id,
      at,
    ]);
  }
}

function filterSql(filter: RefreshTokenFilter, nowSeconds: number): { where: string; params: unknown[] } {
  const params: unknown[] = [nowSeconds];
  const clauses = [USABLE];
  if (filter.userId !== undefined) clauses.push(`"user_id" = $${params.push(filter.userId)}`);
  if (filter.clientId !== undefined) clauses.push(`"client_id" = $${params.push(filter.clientId)}`);
  if (filter.rotating !== undefined) clauses.push(`"rotating" = $${params.push(filter.rotating)}`);
  return { where: clauses.join(' AND '), params };
}

function toRecord(row: Row): RefreshTokenRecord {
  return {
    id: row.id,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    sessionId: row.session_id,
    audiences: row.aud,
    scope: row.scope,
    rotating: row.rotating,
    device: row.device,
    createdAt: Number(row.created_at),
    expiresAt: nullableNumber(row.expires_at),
    idleExpiresAt: nullableNumber(row.idle_expires_at),
    lastExchangedAt: nullableNumber(row.last_exchanged_at),
    seenFrom: {
      initialIp: row.initial_ip,
      initialUserAgent: row.initial_user_agent,
      lastIp: row.ip,
      lastUserAgent: row.user_agent,
    },
    metadata: row.refresh_token_metadata ?? {},
  };
}
