import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SigningAlg } from '@app/contracts';

/** A logout token still to be delivered to one URL of one client (its row is deleted once done). */
export interface BackchannelLogoutDelivery {
  readonly id: string;
  readonly clientId: string;
  readonly url: string;
  readonly sessionId: string;
  readonly sub: string | null;
  readonly alg: SigningAlg;
  readonly attempts: number;
  readonly giveUpAt: Date;
  /** The revocation (`session.revoked`) this logout comes from: the cause of its audit event. */
  readonly revocationEventId: string;
  /** Why the last try failed, if one did. */
  readonly lastError: string | null;
}

export interface NewDelivery {
  readonly revocationEventId: string;
  readonly clientId: string;
  readonly url: string;
  readonly sessionId: string;
  readonly sub: string | null;
  readonly alg: string;
}

/** How long a claimed delivery is the claimer's: past it, another instance may take it over. */
const LEASE_SECONDS = 60;

const TABLE = '"issuance"."backchannel_logout_deliveries"';

/**
 * `issuance.backchannel_logout_deliveries`: the durable queue of back-channel logout tokens. Rows are
 * written with the revocation's processed-event row, claimed with `FOR UPDATE SKIP LOCKED` under a
 * lease (any number of issuance instances share the work, none sends a row another holds), and
 * deleted when delivered or given up.
 */
@Injectable()
export class BackchannelLogoutDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async stage(
    manager: EntityManager,
    deliveries: readonly NewDelivery[],
    giveUpAfterSeconds: number,
  ): Promise<void> {
    for (const delivery of deliveries) {
      await manager.query(
        `INSERT INTO ${TABLE} ("revocation_event_id", "client_id", "url", "session_id", "sub", "alg",
           "next_attempt_at", "give_up_at")
         VALUES ($1, $2, $3, $4, $5, $6, now(), now() + make_interval(secs => $7))
         ON CONFLICT DO NOTHING`,
        [
          delivery.revocationEventId,
          delivery.clientId,
          delivery.url,
          delivery.sessionId,
          delivery.sub,
          delivery.alg,
          giveUpAfterSeconds,
        ],
      );
    }
  }

  /** Up to `limit` due deliveries, leased to the caller. */
  async claimDue(limit: number): Promise<BackchannelLogoutDelivery[]> {
    const result: unknown = await this.dataSource.query(
      `UPDATE ${TABLE} SET "lease_until" = now() + make_interval(secs => $2)
       WHERE "id" IN (
         SELECT "id" FROM ${TABLE}
         WHERE "next_attempt_at" <= now() AND ("lease_until" IS NULL OR "lease_until" < now())
         ORDER BY "next_attempt_at" LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING "id", "client_id", "url", "session_id", "sub", "alg", "attempts", "give_up_at",
         "revocation_event_id", "last_error"`,
      [limit, LEASE_SECONDS],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const rows = (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as Record<
      string,
      unknown
    >[];
    return rows.map((row) => ({
      id: String(row.id),
      clientId: row.client_id as string,
      url: row.url as string,
      sessionId: row.session_id as string,
      sub: (row.sub as string | null) ?? null,
      alg: row.alg as SigningAlg,
      attempts: Number(row.attempts),
      giveUpAt: new Date(row.give_up_at as string),
      revocationEventId: String(row.revocation_event_id),
      lastError: (row.last_error as string | null) ?? null,
    }));
  }

  /** Delivered, or given up: the row goes. */
  async remove(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM ${TABLE} WHERE "id" = $1`, [id]);
  }

  /** A failed try: the next one after `delaySeconds`, the lease released. */
  async retryLater(id: string, delaySeconds: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${TABLE} SET "attempts" = "attempts" + 1, "lease_until" = NULL, "last_error" = $3,
         "next_attempt_at" = now() + make_interval(secs => $2)
       WHERE "id" = $1`,
      [id, delaySeconds, error.slice(0, 500)],
    );
  }

  /** Deliveries not done yet (readiness details, tests). */
  async pending(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${TABLE}`);
    return row?.n ?? 0;
  }
}
