import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { REGISTRY_TABLES } from './registry-tables';

/** A user's grant to a client (Auth0's `/api/v2/grants`): the unit of revocation (DESIGN §3). */
export interface GrantRecord {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly audiences: string[];
  readonly scope: string;
  readonly sessionId: string | null;
  /** A user's consent to a third-party client (`consent.granted`), not a refresh-token family. */
  readonly consent: boolean;
}

/** What `consent.granted` says: the consent's whole scope so far (a consent only grows). */
export interface ConsentFact {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly audience: string;
  readonly scope: string;
  /** Epoch seconds. */
  readonly grantedAt: number;
}

/** What the audit stream says about a grant the first time one of its tokens is issued. */
export interface GrantFact {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly audiences: readonly string[];
  readonly scope: string;
  readonly sessionId: string | null;
  /** Epoch seconds. */
  readonly createdAt: number;
}

export interface GrantFilter {
  readonly userId?: string;
  readonly clientId?: string;
  readonly audience?: string;
}

interface Row {
  id: string;
  client_id: string;
  user_id: string;
  audience: string[];
  scope: string;
  session_id: string | null;
  consent: boolean;
}

const T = REGISTRY_TABLES.grants;

@Injectable()
export class GrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records grants on their first token (the id is the key, so later tokens and redeliveries change
   * nothing). A grant first heard of after its revocation is recorded as revoked.
   */
  async record(facts: readonly GrantFact[]): Promise<void> {
    if (facts.length === 0) return;
    const rows = facts.map((fact) => ({
      id: fact.id,
      client_id: fact.clientId,
      user_id: fact.userId,
      audience: fact.audiences,
      scope: fact.scope,
      session_id: fact.sessionId,
      created_at: fact.createdAt,
    }));
    await this.dataSource.query(
      `INSERT INTO ${T} ("id", "client_id", "user_id", "audience", "scope", "session_id", "created_at",
         "revoked_at")
       SELECT DISTINCT ON (r.id) r.id, r.client_id, r.user_id,
         ARRAY(SELECT jsonb_array_elements_text(r.audience)), r.scope, r.session_id, r.created_at,
         (SELECT v."revoked_at" FROM ${REGISTRY_TABLES.revocations} v WHERE v."target_key" = 'grant:' || r.id)
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, client_id text, user_id text, audience jsonb,
         scope text, session_id text, created_at bigint)
       ON CONFLICT ("id") DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Records consents, or adds the scopes of a later `consent.granted` to one: the scope is the union,
   * so redelivered or reordered events give the same result. A consent first heard of after its
   * revocation is recorded as revoked, and a revoked one stays revoked.
   */
  async recordConsents(facts: readonly ConsentFact[]): Promise<void> {
    if (facts.length === 0) return;
    const rows = facts.map((fact) => ({
      id: fact.id,
      client_id: fact.clientId,
      user_id: fact.userId,
      audience: fact.audience,
      scope: fact.scope,
      created_at: fact.grantedAt,
    }));
    await this.dataSource.query(
      `INSERT INTO ${T} AS g ("id", "client_id", "user_id", "audience", "scope", "session_id", "created_at",
         "revoked_at", "consent")
       SELECT r.id, r.client_id, r.user_id, ARRAY[r.audience],
         coalesce(string_agg(DISTINCT s.scope, ' ') FILTER (WHERE s.scope <> ''), ''), NULL,
         min(r.created_at),
         (SELECT v."revoked_at" FROM ${REGISTRY_TABLES.revocations} v WHERE v."target_key" = 'grant:' || r.id),
         true
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, client_id text, user_id text, audience text,
         scope text, created_at bigint)
         LEFT JOIN LATERAL unnest(string_to_array(r.scope, ' ')) AS s(scope) ON true
       GROUP BY r.id, r.client_id, r.user_id, r.audience
       ON CONFLICT ("id") DO UPDATE SET "scope" = (
         SELECT coalesce(string_agg(DISTINCT s, ' ') FILTER (WHERE s <> ''), '')
         FROM unnest(string_to_array(g."scope", ' ') || string_to_array(EXCLUDED."scope", ' ')) AS s)`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * The live token grants issued under a consent: the same user, client and audience (the grant's
   * first audience is its API, or `{issuer}userinfo` without one).
   */
  async tokenGrantsUnder(consent: GrantRecord): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT "id" FROM ${T} WHERE "user_id" = $1 AND "client_id" = $2 AND "audience"[1] = $3
         AND NOT "consent" AND "revoked_at" IS NULL`,
      [consent.userId, consent.clientId, consent.audiences[0] ?? ''],
    );
    return rows.map((row) => row.id);
  }

  async find(id: string): Promise<GrantRecord | null> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM ${T} WHERE "id" = $1 AND "revoked_at" IS NULL`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(
    filter: GrantFilter,
    page: { skip: number; take: number },
  ): Promise<{ items: GrantRecord[]; total: number }> {
    const params: unknown[] = [];
    const clauses = [`"revoked_at" IS NULL`];
    if (filter.userId !== undefined) clauses.push(`"user_id" = $${params.push(filter.userId)}`);
    if (filter.clientId !== undefined) clauses.push(`"client_id" = $${params.push(filter.clientId)}`);
    if (filter.audience !== undefined) clauses.push(`$${params.push(filter.audience)} = ANY("audience")`);
    const where = clauses.join(' AND ');
    const [rows, counted] = await Promise.all([
      this.dataSource.query<Row[]>(
        `SELECT * FROM ${T} WHERE ${where} ORDER BY "id"
         LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, page.take, page.skip],
      ),
      this.dataSource.query<{ total: string }[]>(`SELECT count(*) AS total FROM ${T} WHERE ${where}`, params),
    ]);
    return { items: rows.map(toRecord), total: Number(counted[0]?.total ?? 0) };
  }

  /** The user's grants not revoked yet, or only those created at or before `createdUpTo` (epoch seconds). */
  async activeOfUser(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
    createdUpTo = Number.MAX_SAFE_INTEGER,
  ): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT "id" FROM ${T} WHERE "user_id" = $1 AND "revoked_at" IS NULL AND "created_at" <= $2 ORDER BY "id"`,
      [userId, createdUpTo],
    );
    return rows.map((row) => row.id);
  }

  async ofSession(manager: EntityManager, sessionId: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(`SELECT "id" FROM ${T} WHERE "session_id" = $1`, [
      sessionId,
    ]);
    return rows.map((row) => row.id);
  }

  async markRevoked(manager: EntityManager, grantIds: readonly string[], at: Date): Promise<void> {
    if (grantIds.length === 0) return;
    await manager.query(`UPDATE ${T} SET "revoked_at" = $2 WHERE "id" = ANY($1) AND "revoked_at" IS NULL`, [
      grantIds,
      at,
    ]);
  }
}

function toRecord(row: Row): GrantRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    audiences: row.audience,
    scope: row.scope,
    sessionId: row.session_id,
    consent: row.consent,
  };
}
