import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A user's consent to a third-party client (Auth0's user grant): which scopes of one audience the
 * client may have. Its id is the grant id `/api/v2/grants` lists and deletes.
 */
export interface Consent {
  readonly id: string;
  readonly userId: string;
  readonly clientId: string;
  readonly audience: string;
  readonly scopes: readonly string[];
}

interface Row {
  id: string;
  user_id: string;
  client_id: string;
  audience: string;
  scopes: string[];
}

const TABLE = '"issuance"."consents"';

@Injectable()
export class ConsentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(userId: string, clientId: string, audience: string): Promise<Consent | null> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM ${TABLE} WHERE "user_id" = $1 AND "client_id" = $2 AND "audience" = $3`,
      [userId, clientId, audience],
    );
    return rows[0] ? toConsent(rows[0]) : null;
  }

  /**
   * Adds scopes to the user's consent for the client and audience, creating it (with `id`) if there
   * is none: a consent only grows, and keeps its id while it lives.
   */
  async grant(manager: EntityManager, consent: Consent, at: number): Promise<Consent> {
    const rows = await manager.query<Row[]>(
      `INSERT INTO ${TABLE} AS c ("id", "user_id", "client_id", "audience", "scopes", "created_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT ("user_id", "client_id", "audience") DO UPDATE SET
         "scopes" = c."scopes" || ARRAY(SELECT s FROM unnest(EXCLUDED."scopes") AS s WHERE s <> ALL (c."scopes")),
         "updated_at" = EXCLUDED."updated_at"
       RETURNING *`,
      [consent.id, consent.userId, consent.clientId, consent.audience, consent.scopes, at],
    );
    return toConsent(rows[0]!);
  }

  /**
   * The consent's grant was revoked (`DELETE /api/v2/grants/{id}`): the next `/authorize` asks again.
   * Returns the consent withdrawn, or null when `id` named none.
   */
  async withdraw(manager: EntityManager, id: string): Promise<Consent | null> {
    // TypeORM answers a DELETE with [rows, count].
    const [rows] = await manager.query<[Row[], number]>(`DELETE FROM ${TABLE} WHERE "id" = $1 RETURNING *`, [
      id,
    ]);
    return rows[0] ? toConsent(rows[0]) : null;
  }
}

function toConsent(row: Row): Consent {
  return {
    id: row.id,
    userId: row.user_id,
    clientId: row.client_id,
    audience: row.audience,
    scopes: row.scopes,
  };
}
