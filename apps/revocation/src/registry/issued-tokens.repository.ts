import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { accessTokenIssued, RevocationConcerns } from '@app/contracts';
import { REGISTRY_TABLES } from './registry-tables';

type IssuedEvent = ReturnType<typeof accessTokenIssued.create>;

/** A JWT access token still alive, which a grant revocation must put on the revocation list. */
export interface LiveJwt {
  readonly jti: string;
  readonly grantId: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** Whom its revocation concerns (its user, client, audiences, grant and session). */
  readonly concerns: RevocationConcerns;
}

/** The registry columns that say whom a token concerns. */
const CONCERN_COLUMNS = `"sub", "client_id", "aud", "grant_id", "session_id"`;

interface ConcernRow {
  sub: string;
  client_id: string;
  aud: string[];
  grant_id: string;
  session_id: string | null;
}

function concernsOf(row: ConcernRow): RevocationConcerns {
  return {
    sub: row.sub,
    client_id: row.client_id,
    aud: row.aud,
    grant_id: row.grant_id,
    ...(row.session_id ? { session_id: row.session_id } : {}),
  };
}

const T = REGISTRY_TABLES.issuedTokens;

/** Deeper than any exchange chain issuance makes (it refuses more than 4 actors). */
const MAX_DERIVATION_DEPTH = 8;

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
      source_jti: payload.source_jti ?? null,
      issued_at: payload.issued_at,
      expires_at: payload.expires_at,
    }));
    await this.dataSource.query(
      `INSERT INTO ${T} ("jti", "grant_id", "client_id", "sub", "aud", "scope", "grant_type", "format",
         "session_id", "source_jti", "issued_at", "expires_at")
       SELECT r.jti, r.grant_id, r.client_id, r.sub, ARRAY(SELECT jsonb_array_elements_text(r.aud)),
         r.scope, r.grant_type, r.format, r.session_id, r.source_jti, r.issued_at, r.expires_at
       FROM jsonb_to_recordset($1::jsonb) AS r(jti text, grant_id text, client_id text, sub text,
         aud jsonb, scope text, grant_type text, format text, session_id text, source_jti text,
         issued_at bigint, expires_at bigint)
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
    const rows = await manager.query<(ConcernRow & { jti: string; expires_at: string })[]>(
      `SELECT "jti", "expires_at", ${CONCERN_COLUMNS} FROM ${T}
       WHERE "grant_id" = ANY($1) AND "format" = 'jwt' AND "expires_at" > $2 ORDER BY "jti"`,
      [grantIds, nowSeconds],
    );
    return rows.map((row) => ({
      jti: row.jti,
      grantId: row.grant_id,
      expiresAt: Number(row.expires_at),
      concerns: concernsOf(row),
    }));
  }

  /**
   * The live JWTs made by exchange from each of these jtis, and from those in turn (a chain is at
   * most a few actors deep: Auth0's On-Behalf-Of limit), each with the jti it descends from.
   */
  async liveJwtsDerivedFrom(
    jtis: readonly string[],
    nowSeconds: number,
  ): Promise<(LiveJwt & { readonly rootJti: string })[]> {
    if (jtis.length === 0) return [];
    const rows = await this.dataSource.query<
      (ConcernRow & { root_jti: string; jti: string; expires_at: string })[]
    >(
      `WITH RECURSIVE derived AS (
         SELECT "source_jti" AS root_jti, "jti", "expires_at", 1 AS depth
           FROM ${T} WHERE "source_jti" = ANY($1)
         UNION
         SELECT d.root_jti, t."jti", t."expires_at", d.depth + 1
           FROM ${T} t JOIN derived d ON t."source_jti" = d."jti" WHERE d.depth < $3
       )
       SELECT DISTINCT d.root_jti, d."jti", d."expires_at", t."sub", t."client_id", t."aud", t."grant_id", t."session_id"
         FROM derived d JOIN ${T} t ON t."jti" = d."jti"
       WHERE d."expires_at" > $2 ORDER BY d.root_jti, d."jti"`,
      [jtis, nowSeconds, MAX_DERIVATION_DEPTH],
    );
    return rows.map((row) => ({
      rootJti: row.root_jti,
      jti: row.jti,
      grantId: row.grant_id,
      expiresAt: Number(row.expires_at),
      concerns: concernsOf(row),
    }));
  }

  /**
   * Whom each grant concerns (issue #16): its user, client, audiences and session, from the grants
   * table, else its refresh tokens, else its access tokens — whichever the registry has heard of.
   */
  async grantConcerns(
    manager: EntityManager,
    grantIds: readonly string[],
  ): Promise<Map<string, RevocationConcerns>> {
    if (grantIds.length === 0) return new Map();
    const rows = await manager.query<ConcernRow[]>(
      `SELECT DISTINCT ON ("grant_id") "grant_id", "sub", "client_id", "aud", "session_id" FROM (
         SELECT "id" AS "grant_id", "user_id" AS "sub", "client_id", "audience" AS "aud", "session_id", 0 AS "rank"
           FROM ${REGISTRY_TABLES.grants} WHERE "id" = ANY($1)
         UNION ALL
         SELECT "grant_id", "user_id", "client_id", "aud", "session_id", 1
           FROM ${REGISTRY_TABLES.refreshTokens} WHERE "grant_id" = ANY($1)
         UNION ALL
         SELECT "grant_id", "sub", "client_id", "aud", "session_id", 2 FROM ${T} WHERE "grant_id" = ANY($1)
       ) known ORDER BY "grant_id", "rank"`,
      [grantIds],
    );
    return new Map(rows.map((row) => [row.grant_id, concernsOf(row)]));
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
