import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthorizeRequest } from '../authorize-request';
import { findPendingRow, prunePendingRows } from '../pending-authorize-requests';

/**
 * An `/authorize` request of a logged-in user waiting on the consent page. Bound to the login session
 * that asked (its digest: the prompt is nobody else's) and, once the page is shown, to the CSRF token
 * in that page's form (its digest). `scopes` are exactly what the page asks for.
 */
export interface ConsentPrompt {
  readonly id: string;
  readonly request: AuthorizeRequest;
  readonly userId: string;
  readonly sessionDigest: string;
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly csrfDigest: string | null;
  readonly expiresAt: number;
}

interface Row {
  id: string;
  request: unknown;
  user_id: string;
  session_digest: string;
  audience: string;
  scopes: string[];
  csrf_digest: string | null;
  expires_at: string;
}

const TABLE = '"issuance"."consent_prompts"';

@Injectable()
export class ConsentPromptsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(prompt: ConsentPrompt): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${TABLE} ("id", "request", "user_id", "session_digest", "audience", "scopes", "csrf_digest", "expires_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        prompt.id,
        JSON.stringify(prompt.request),
        prompt.userId,
        prompt.sessionDigest,
        prompt.audience,
        prompt.scopes,
        prompt.csrfDigest,
        prompt.expiresAt,
      ],
    );
  }

  /** The prompt if it has not expired; the caller has checked that `id` is one of our tokens. */
  async find(id: string, now: number): Promise<ConsentPrompt | null> {
    const found = await findPendingRow<Row>(this.dataSource, TABLE, id, now);
    if (!found) return null;
    const { row, request } = found;
    return {
      id: row.id,
      request,
      userId: row.user_id,
      sessionDigest: row.session_digest,
      audience: row.audience,
      scopes: row.scopes,
      csrfDigest: row.csrf_digest,
      expiresAt: Number(row.expires_at),
    };
  }

  /** Each showing of the page gets a fresh CSRF token: only the latest form can be posted. */
  async bindCsrf(id: string, csrfDigest: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${TABLE} SET "csrf_digest" = $2 WHERE "id" = $1`, [id, csrfDigest]);
  }

  /** Ends the prompt; false when another request already ended it (an answer counts once). */
  async take(id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, count].
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM ${TABLE} WHERE "id" = $1 RETURNING "id"`,
      [id],
    );
    return count === 1;
  }

  pruneExpired(now: number): Promise<void> {
    return prunePendingRows(this.dataSource, TABLE, now);
  }
}
