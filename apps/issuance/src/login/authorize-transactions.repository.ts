import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthorizeRequest } from './authorize-request';
import { findPendingRow, prunePendingRows } from './pending-authorize-requests';

/** An `/authorize` request waiting for the user to log in, bound to one browser by its CSRF cookie. */
export interface AuthorizeTransaction {
  readonly id: string;
  readonly request: AuthorizeRequest;
  readonly csrfDigest: string;
  readonly expiresAt: number;
}

const TABLE = '"issuance"."authorize_transactions"';

@Injectable()
export class AuthorizeTransactionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(transaction: AuthorizeTransaction): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${TABLE} ("id", "request", "csrf_digest", "expires_at") VALUES ($1, $2, $3, $4)`,
      [transaction.id, JSON.stringify(transaction.request), transaction.csrfDigest, transaction.expiresAt],
    );
  }

  async find(id: string, now: number): Promise<AuthorizeTransaction | null> {
    if (id.length > 128) return null;
    const found = await findPendingRow<{
      id: string;
      request: unknown;
      csrf_digest: string;
      expires_at: string;
    }>(this.dataSource, TABLE, id, now);
    if (!found) return null;
    const { row, request } = found;
    return { id: row.id, request, csrfDigest: row.csrf_digest, expiresAt: Number(row.expires_at) };
  }

  /** A transaction ends when it produced a code: its login form cannot be posted twice. */
  async delete(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${TABLE} WHERE "id" = $1`, [id]);
  }

  pruneExpired(now: number): Promise<void> {
    return prunePendingRows(this.dataSource, TABLE, now);
  }
}
