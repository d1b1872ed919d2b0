import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { revocationKey, type RevocationPayload } from '@app/contracts';
import { markProcessed } from '@app/outbox';
import { REVOCATION_SCHEMA } from '../database/revocation-database';

/** A revoked jti whose token has not expired yet: what the Redis fast-lookup set must hold. */
export interface LiveRevokedJti {
  readonly targetKey: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const TABLE = `"${REVOCATION_SCHEMA}"."revocations"`;

@Injectable()
export class RevocationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the revocation unless it changes nothing, and returns the revocation now in force for its
   * target with `changed` = whether this call stored it (and so must emit its event).
   *
   * One row per target, so revoking the same thing twice gives one record and one event. A not-before
   * (`subject`, `client`) only ever moves forward: a later one replaces the stored row (a new fact for
   * the compacted topic), an equal or earlier one is a no-op. The conditional upsert decides under
   * the row lock, so two concurrent calls cannot both win or emit contradictory events.
   */
  async store(
    manager: EntityManager,
    payload: RevocationPayload,
  ): Promise<{ changed: boolean; inForce: RevocationPayload }> {
    const rows = await manager.query<{ payload: RevocationPayload }[]>(
      `INSERT INTO ${TABLE} AS stored ("target_key", "kind", "payload", "expires_at", "revoked_at")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("target_key") DO UPDATE SET
         "payload" = EXCLUDED."payload",
         "expires_at" = EXCLUDED."expires_at",
         "revoked_at" = EXCLUDED."revoked_at"
       WHERE stored."kind" IN ('subject', 'client')
         AND (stored."payload"->'target'->>'not_before')::bigint
           < (EXCLUDED."payload"->'target'->>'not_before')::bigint
       RETURNING "payload"`,
      [
        revocationKey(payload.target),
        payload.target.kind,
        JSON.stringify(payload),
        payload.expires_at,
        payload.revoked_at,
      ],
    );
    if (rows.length === 1) return { changed: true, inForce: payload };
    const existing = await manager.query<{ payload: RevocationPayload }[]>(
      `SELECT "payload" FROM ${TABLE} WHERE "target_key" = $1`,
      [revocationKey(payload.target)],
    );
    return { changed: false, inForce: existing[0]?.payload ?? payload };
  }

  /**
   * One page of revoked jtis still alive at `nowSeconds`, in key order after `afterKey` (keyset
   * pagination: each page is an index range scan, however many revocations there are).
   */
  async liveRevokedJtis(nowSeconds: number, afterKey: string, limit: number): Promise<LiveRevokedJti[]> {
    const rows = await this.dataSource.query<{ target_key: string; jti: string; expires_at: string }[]>(
      `SELECT "target_key", "payload"->'target'->>'jti' AS jti, "expires_at" FROM ${TABLE}
       WHERE "kind" = 'jti' AND "expires_at" > $1 AND "target_key" > $2
       ORDER BY "target_key" LIMIT $3`,
      [nowSeconds, afterKey, limit],
    );
    return rows.map((row) => ({
      targetKey: row.target_key,
      jti: row.jti,
      expiresAt: Number(row.expires_at),
    }));
  }

  /** The revocations in force among these targets (by `revocationKey`), for tokens that arrive late. */
  async inForce(targetKeys: readonly string[]): Promise<Map<string, RevocationPayload>> {
    if (targetKeys.length === 0) return new Map();
    const rows = await this.dataSource.query<{ target_key: string; payload: RevocationPayload }[]>(
      `SELECT "target_key", "payload" FROM ${TABLE} WHERE "target_key" = ANY($1)`,
      [[...new Set(targetKeys)]],
    );
    return new Map(rows.map((row) => [row.target_key, row.payload]));
  }

  /**
   * Records that `consumer` applied an event, in the caller's transaction; false when it was applied
   * before (a redelivery), so the caller changes nothing.
   */
  markApplied(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    return markProcessed(manager, REVOCATION_SCHEMA, consumer, eventId);
  }
}
