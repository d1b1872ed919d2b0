import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { accessTokenIssued } from '@app/contracts';
import { REGISTRY_TABLES } from './registry-tables';

type IssuedEvent = ReturnType<typeof accessTokenIssued.create>;

/** A JWT access token still alive, which a grant revocation must put on the revocation list. */
export interface LiveJwt {
  readonly jti: string;
  readonly grantId: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const T = REGISTRY_TABLES.issuedTokens;

@Injectable()
export class IssuedTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records issuance facts. The jti is the natural key, so a redelivered event inserts nothing:
   * one multi-row INSERT … ON CONFLICT DO NOTHING is idempotent without a dedupe table.
   */
  async record(events: readonly IssuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(({ payload }) => ({
      jti: payload.jti,
      grant_id: payload.grant_id,
      client_id: payload.client_id,
      sub: payload.sub,
      aud: payload.aud,
      scope: payload.scope,
      grant_type: payload.grant_type,
      format: payload.format,
      session_id: payload.session_id ?? null,
      issued_at: payload.issued_at,
      expires_at: payload.expires_at,
    }));
    await this.dataSource.query(
      `INSERT INTO ${T} ("jti", "grant_id", "client_id", "sub", "aud", "scope", "grant_type", "format",
         "session_id", "issued_at", "expires_at")
       SELECT r.jti, r.grant_id, r.client_id, r.sub, ARRAY(SELECT jsonb_array_elements_text(r.aud)),
         r.scope, r.grant_type, r.format, r.session_id, r.issued_at, r.expires_at
       FROM jsonb_to_recordset($1::jsonb) AS r(jti text, grant_id text, client_id text, sub text,
         aud jsonb, scope text, grant_type text, format text, session_id text, issued_at bigint,
         expires_at bigint)
       ON CONFLICT ("jti") DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /** The JWT access tokens of these grants that have not expired at `nowSeconds`. */
  async liveJwtsOfGrants(
    manager: EntityManager,
    grantIds: readonly string[],
    nowSeconds: number,
  ): Promise<LiveJwt[]> {
    if (grantIds.length === 0) return [];
    const rows = await manager.query<{ jti: string; grant_id: string; expires_at: string }[]>(
      `SELECT "jti", "grant_id", "expires_at" FROM ${T}
       WHERE "grant_id" = ANY($1) AND "format" = 'jwt' AND "expires_at" > $2 ORDER BY "jti"`,
      [grantIds, nowSeconds],
    );
    return rows.map((row) => ({ jti: row.jti, grantId: row.grant_id, expiresAt: Number(row.expires_at) }));
  }

  /** Grants of a login session that issued access tokens (a session's grants may have no refresh token). */
  async grantsOfSession(manager: EntityManager, sessionId: string): Promise<string[]> {
    const rows = await manager.query<{ grant_id: string }[]>(
      `SELECT DISTINCT "grant_id" FROM ${T} WHERE "session_id" = $1`,
      [sessionId],
    );
    return rows.map((row) => row.grant_id);
  }

  /** Forgets tokens that expired more than a day ago: nothing can revoke them any more. */
  async pruneExpired(nowSeconds: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${T} WHERE "expires_at" < $1`, [nowSeconds - 86_400]);
  }
}
