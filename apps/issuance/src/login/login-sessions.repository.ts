import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A login at the hosted login page, remembered by a cookie so the next `/authorize` needs no password.
 * `id` is the session's public name (`sid`, `session_id`, the Management API): it grants nothing. The
 * cookie carries a secret of its own, of which only the hash is stored (see `insert`).
 */
export interface LoginSession {
  readonly id: string;
  readonly userId: string;
  readonly connection: string;
  readonly authenticatedAt: number;
  readonly expiresAt: number;
  readonly idleExpiresAt: number;
}

const TABLE = '"issuance"."login_sessions"';

@Injectable()
export class LoginSessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** `secretHash`: the SHA-256 of the cookie's secret; the secret itself is never stored. */
  async insert(manager: EntityManager, session: LoginSession, secretHash: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${TABLE} ("id", "secret_hash", "user_id", "connection", "authenticated_at", "expires_at",
         "idle_expires_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        session.id,
        secretHash,
        session.userId,
        session.connection,
        session.authenticatedAt,
        session.expiresAt,
        session.idleExpiresAt,
      ],
    );
  }

  /**
   * The session whose cookie secret hashes to `secretHash`, if it has not expired at `now` (neither
   * absolute nor idle), with whether it was revoked. Never by id: the id is public.
   */
  async findBySecret(
    secretHash: string,
    now: number,
  ): Promise<{ session: LoginSession; revoked: boolean } | null> {
    const rows = await this.dataSource.query<
      {
        id: string;
        user_id: string;
        connection: string;
        authenticated_at: string;
        expires_at: string;
        idle_expires_at: string;
        revoked_at: string | null;
      }[]
    >(`SELECT * FROM ${TABLE} WHERE "secret_hash" = $1 AND "expires_at" > $2 AND "idle_expires_at" > $2`, [
      secretHash,
      now,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      session: {
        id: row.id,
        userId: row.user_id,
        connection: row.connection,
        authenticatedAt: Number(row.authenticated_at),
        expiresAt: Number(row.expires_at),
        idleExpiresAt: Number(row.idle_expires_at),
      },
      revoked: row.revoked_at !== null,
    };
  }

  async renewIdle(id: string, idleExpiresAt: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${TABLE} SET "idle_expires_at" = LEAST($2, "expires_at") WHERE "id" = $1`,
      [id, idleExpiresAt],
    );
  }

  /** Deletes the sessions past their absolute or idle expiry: no cookie can use them any more. */
  async pruneExpired(now: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${TABLE} WHERE "expires_at" < $1 OR "idle_expires_at" < $1`, [
      now,
    ]);
  }

  async revoke(manager: EntityManager, id: string, at: number): Promise<void> {
    await manager.query(`UPDATE ${TABLE} SET "revoked_at" = $2 WHERE "id" = $1 AND "revoked_at" IS NULL`, [
      id,
      at,
    ]);
  }

  async revokeUserBefore(
    manager: EntityManager,
    userId: string,
    notBefore: number,
    at: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${TABLE} SET "revoked_at" = $3
       WHERE "user_id" = $1 AND "authenticated_at" <= $2 AND "revoked_at" IS NULL`,
      [userId, notBefore, at],
    );
  }
}
