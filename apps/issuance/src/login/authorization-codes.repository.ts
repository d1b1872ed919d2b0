import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** What a code stands for until it is exchanged at `/oauth/token`. Only the code's hash is kept. */
export interface AuthorizationCode {
  readonly codeHash: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userId: string;
  readonly scope: string;
  readonly audience: string | null;
  readonly nonce: string | null;
  /** PKCE S256 challenge, when the client sent one. */
  readonly codeChallenge: string | null;
  readonly sessionId: string;
  readonly authTime: number;
  readonly grantId: string;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

const TABLE = '"issuance"."authorization_codes"';

@Injectable()
export class AuthorizationCodesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(code: AuthorizationCode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${TABLE} ("code_hash", "client_id", "redirect_uri", "user_id", "scope", "audience",
         "nonce", "code_challenge", "session_id", "auth_time", "grant_id", "expires_at", "used_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)`,
      [
        code.codeHash,
        code.clientId,
        code.redirectUri,
        code.userId,
        code.scope,
        code.audience,
        code.nonce,
        code.codeChallenge,
        code.sessionId,
        code.authTime,
        code.grantId,
        code.expiresAt,
      ],
    );
  }

  /** The code, locked: of two concurrent exchanges exactly one sees it unused. */
  async lock(manager: EntityManager, codeHash: string): Promise<AuthorizationCode | null> {
    const rows = await manager.query<Record<string, string | null>[]>(
      `SELECT * FROM ${TABLE} WHERE "code_hash" = $1 FOR UPDATE`,
      [codeHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      codeHash: row.code_hash!,
      clientId: row.client_id!,
      redirectUri: row.redirect_uri!,
      userId: row.user_id!,
      scope: row.scope!,
      audience: row.audience ?? null,
      nonce: row.nonce ?? null,
      codeChallenge: row.code_challenge ?? null,
      sessionId: row.session_id!,
      authTime: Number(row.auth_time),
      grantId: row.grant_id!,
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null || row.used_at === undefined ? null : Number(row.used_at),
    };
  }

  async markUsed(manager: EntityManager, codeHash: string, at: number): Promise<void> {
    await manager.query(`UPDATE ${TABLE} SET "used_at" = $2 WHERE "code_hash" = $1`, [codeHash, at]);
  }

  /** A user withdrew their consent to the client: codes not exchanged yet must not become tokens. */
  async discardUnused(manager: EntityManager, userId: string, clientId: string): Promise<void> {
    await manager.query(
      `DELETE FROM ${TABLE} WHERE "user_id" = $1 AND "client_id" = $2 AND "used_at" IS NULL`,
      [userId, clientId],
    );
  }

  /** Codes are useless an hour after expiry (a replay then is just unknown); keep the table small. */
  async pruneExpired(now: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${TABLE} WHERE "expires_at" < $1`, [now - 3600]);
  }
}
