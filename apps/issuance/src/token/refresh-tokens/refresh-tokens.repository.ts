import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** One refresh token of a family (= grant). Only the SHA-256 of the token is kept. */
export interface RefreshTokenRow {
  readonly id: string;
  readonly tokenHash: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly scope: string;
  readonly grantType: string;
  readonly sessionId: string | null;
  readonly authTime: number | null;
  readonly rotating: boolean;
  readonly device: string | null;
  /** When the grant started: not-before revocations of users and clients compare against it. */
  readonly familyIssuedAt: number;
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  readonly idleExpiresAt: number | null;
  /** When a rotating token was exchanged for its successor (it is then only good within the leeway). */
  readonly exchangedAt: number | null;
  readonly revokedAt: number | null;
}

interface RawRow {
  id: string;
  token_hash: string;
  grant_id: string;
  client_id: string;
  sub: string;
  aud: string[];
  scope: string;
  grant_type: string;
  session_id: string | null;
  auth_time: string | null;
  rotating: boolean;
  device: string | null;
  family_issued_at: string;
  issued_at: string;
  expires_at: string | null;
  idle_expires_at: string | null;
  exchanged_at: string | null;
  revoked_at: string | null;
}

const seconds = (value: string | null): number | null => (value === null ? null : Number(value));

function fromRaw(raw: RawRow): RefreshTokenRow {
  return {
    id: raw.id,
    tokenHash: raw.token_hash,
    grantId: raw.grant_id,
    clientId: raw.client_id,
    sub: raw.sub,
    aud: raw.aud,
    scope: raw.scope,
    grantType: raw.grant_type,
    sessionId: raw.session_id,
    authTime: seconds(raw.auth_time),
    rotating: raw.rotating,
    device: raw.device,
    familyIssuedAt: Number(raw.family_issued_at),
    issuedAt: Number(raw.issued_at),
    expiresAt: seconds(raw.expires_at),
    idleExpiresAt: seconds(raw.idle_expires_at),
    exchangedAt: seconds(raw.exchanged_at),
    revokedAt: seconds(raw.revoked_at),
  };
}

const TABLE = '"issuance"."refresh_tokens"';

/**
 * Refresh-token families in PostgreSQL: the durable truth behind the Redis records (which revocation
 * deletes for immediacy). Every method takes the caller's transaction manager, so a rotation, its
 * row changes and its events commit together.
 */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: RefreshTokenRow): Promise<void> {
    await manager.query(
      `INSERT INTO ${TABLE} ("id", "token_hash", "grant_id", "client_id", "sub", "aud", "scope",
         "grant_type", "session_id", "auth_time", "rotating", "device", "family_issued_at",
         "issued_at", "expires_at", "idle_expires_at", "exchanged_at", "revoked_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        row.id,
        row.tokenHash,
        row.grantId,
        row.clientId,
        row.sub,
        row.aud,
        row.scope,
        row.grantType,
        row.sessionId,
        row.authTime,
        row.rotating,
        row.device,
        row.familyIssuedAt,
        row.issuedAt,
        row.expiresAt,
        row.idleExpiresAt,
        row.exchangedAt,
        row.revokedAt,
      ],
    );
  }

  /** The token with this hash, read without a lock (nothing about it will change). */
  async findByHash(tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows = await this.dataSource.query<RawRow[]>(`SELECT * FROM ${TABLE} WHERE "token_hash" = $1`, [
      tokenHash,
    ]);
    return rows[0] ? fromRaw(rows[0]) : null;
  }

  /**
   * The token with this hash, locked until the transaction ends: two concurrent exchanges of one
   * rotating token are serialised, so exactly one of them rotates it.
   */
  async lockByHash(manager: EntityManager, tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows = await manager.query<RawRow[]>(`SELECT * FROM ${TABLE} WHERE "token_hash" = $1 FOR UPDATE`, [
      tokenHash,
    ]);
    return rows[0] ? fromRaw(rows[0]) : null;
  }

  /** A rotating token was exchanged: from now on it is good only within the client's leeway. */
  async markExchanged(manager: EntityManager, id: string, exchangedAt: number): Promise<void> {
    await manager.query(`UPDATE ${TABLE} SET "exchanged_at" = COALESCE("exchanged_at", $2) WHERE "id" = $1`, [
      id,
      exchangedAt,
    ]);
  }

  /** A non-rotating token was used: its idle lifetime starts again. */
  async renewIdle(manager: EntityManager, id: string, idleExpiresAt: number | null): Promise<void> {
    await manager.query(`UPDATE ${TABLE} SET "idle_expires_at" = $2 WHERE "id" = $1`, [id, idleExpiresAt]);
  }

  /** Revokes every token of the families matching `where`; returns the grants it touched. */
  private async revokeWhere(manager: EntityManager, where: string, params: unknown[], at: number) {
    const rows = await manager.query<[{ grant_id: string }[], number]>(
      `UPDATE ${TABLE} SET "revoked_at" = $1 WHERE "revoked_at" IS NULL AND ${where} RETURNING "grant_id"`,
      [at, ...params],
    );
    return [...new Set(rows[0].map((row) => row.grant_id))];
  }

  revokeGrant(manager: EntityManager, grantId: string, at: number): Promise<string[]> {
    return this.revokeWhere(manager, `"grant_id" = $2`, [grantId], at);
  }

  revokeToken(manager: EntityManager, id: string, at: number): Promise<string[]> {
    return this.revokeWhere(manager, `"id" = $2`, [id], at);
  }

  revokeSession(manager: EntityManager, sessionId: string, at: number): Promise<string[]> {
    return this.revokeWhere(manager, `"session_id" = $2`, [sessionId], at);
  }

  revokeSubjectBefore(manager: EntityManager, sub: string, notBefore: number, at: number): Promise<string[]> {
    return this.revokeWhere(manager, `"sub" = $2 AND "family_issued_at" <= $3`, [sub, notBefore], at);
  }

  revokeClientBefore(
    manager: EntityManager,
    clientId: string,
    notBefore: number,
    at: number,
  ): Promise<string[]> {
    return this.revokeWhere(
      manager,
      `"client_id" = $2 AND "family_issued_at" <= $3`,
      [clientId, notBefore],
      at,
    );
  }
}
