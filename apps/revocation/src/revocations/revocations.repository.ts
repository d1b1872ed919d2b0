import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { revocationKey, type RevocationPayload } from '@app/contracts';
import { markProcessed, OutboxWriter, type OutboxEvent } from '@app/outbox';
import { REVOCATION_SCHEMA } from '../database/revocation-database';

/** A revoked jti whose token has not expired yet: what the Redis fast-lookup set must hold. */
export interface LiveRevokedJti {
  readonly targetKey: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const TABLE = `"${REVOCATION_SCHEMA}"."revocations"`;

/** One revocation as the columns of its row. */
interface RevocationRow {
  readonly target_key: string;
  readonly kind: string;
  readonly payload: RevocationPayload;
  readonly expires_at: RevocationPayload['expires_at'];
  readonly revoked_at: string;
}

/** `jsonb_to_recordset` column list of a `RevocationRow`. */
const REVOCATION_COLUMNS =
  'target_key text, kind text, payload jsonb, expires_at bigint, revoked_at timestamptz';

function rowOf(payload: RevocationPayload): RevocationRow {
  return {
    target_key: revocationKey(payload.target),
    kind: payload.target.kind,
    payload,
    expires_at: payload.expires_at,
    revoked_at: payload.revoked_at,
  };
}

/**
 * The conditional upsert of the rows of `source` (aliased `r`, with the `RevocationRow` columns), in
 * key order so concurrent statements take row locks in the same order: a new target is inserted; a
 * stored one changes only for a later not-before of a user or client (they only move forward), so a
 * repeat stores and returns nothing.
 */
function upsertFrom(source: string): string {
  return `INSERT INTO ${TABLE} AS stored ("target_key", "kind", "payload", "expires_at", "revoked_at")
       SELECT r.target_key, r.kind, r.payload, r.expires_at, r.revoked_at FROM ${source}
       ORDER BY r.target_key
       ON CONFLICT ("target_key") DO UPDATE SET
         "payload" = EXCLUDED."payload",
         "expires_at" = EXCLUDED."expires_at",
         "revoked_at" = EXCLUDED."revoked_at"
       WHERE stored."kind" IN ('subject', 'client')
         AND (stored."payload"->'target'->>'not_before')::bigint
           < (EXCLUDED."payload"->'target'->>'not_before')::bigint`;
}

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
    const rows = await manager.query<{ target_key: string }[]>(
      `${upsertFrom(
        '(VALUES ($1, $2, $3::jsonb, $4::bigint, $5::timestamptz)) AS r(target_key, kind, payload, expires_at, revoked_at)',
      )} RETURNING "target_key"`,
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
   * `store` for many revocations in two statements, whatever their number: one multi-row conditional
   * upsert, and one read of the revocations in force for the targets it did not change. Results are in
   * the order of `payloads`. A target named twice is stored once in the statement (PostgreSQL cannot
   * upsert a row twice in one command) and its repeats each in a statement of their own, after it.
   */
  storeMany(
    manager: EntityManager,
    payloads: readonly RevocationPayload[],
  ): Promise<{ changed: boolean; inForce: RevocationPayload }[]> {
    return this.storeBatch(
      payloads,
      async (rows) =>
        manager.query<{ target_key: string }[]>(
          `${upsertFrom(`jsonb_to_recordset($1::jsonb) AS r(${REVOCATION_COLUMNS})`)} RETURNING "target_key"`,
          [JSON.stringify(rows.map(({ row }) => row))],
        ),
      (keys) => this.inForceWith(manager, keys),
    );
  }

  /**
   * `storeMany` and the events of what it changes, in ONE statement committed on its own (no
   * transaction block: one round trip, the hot path of `/oauth/revoke`). Each change comes with its
   * event; only the rows the upsert changed get theirs appended to the outbox, by a
   * data-modifying CTE joined to the upsert's RETURNING. A repeated target goes in a statement of its
   * own, after the first. Returns `appended` = whether any event was written.
   */
  async storeManyWithEvents(
    manager: EntityManager,
    changes: readonly { payload: RevocationPayload; event: OutboxEvent }[],
    writer: OutboxWriter,
  ): Promise<{ results: { changed: boolean; inForce: RevocationPayload }[]; appended: boolean }> {
    const eventOf = new Map(changes.map(({ payload, event }) => [payload, event]));
    const payloads = changes.map(({ payload }) => payload);
    const upsertWithEvents = (rows: readonly { row: RevocationRow; payload: RevocationPayload }[]) =>
      manager.query<{ target_key: string }[]>(
        `WITH r AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS input(${REVOCATION_COLUMNS}, event_id uuid, topic text, key text, value text)
         ), changed AS (
           ${upsertFrom('r')} RETURNING "target_key"
         ), appended AS (
           ${writer.insertFrom('r JOIN changed USING ("target_key")')}
         )
         SELECT "target_key" FROM changed`,
        [
          JSON.stringify(
            rows.map(({ row, payload }) => ({ ...row, ...OutboxWriter.rowOf(eventOf.get(payload)!) })),
          ),
        ],
      );
    const results = await this.storeBatch(payloads, upsertWithEvents, (keys) => this.inForce(keys));
    return { results, appended: results.some((result) => result.changed) };
  }

  /**
   * The bookkeeping both batch stores share: the first of each target goes to `upsert` (which returns
   * the keys it changed), each repeat goes to an `upsert` of its own after it, and the unchanged get
   * the revocation in force from `inForceOf`.
   */
  private async storeBatch(
    payloads: readonly RevocationPayload[],
    upsert: (rows: { row: RevocationRow; payload: RevocationPayload }[]) => Promise<{ target_key: string }[]>,
    inForceOf: (keys: readonly string[]) => Promise<Map<string, RevocationPayload>>,
  ): Promise<{ changed: boolean; inForce: RevocationPayload }[]> {
    const keys = payloads.map((payload) => revocationKey(payload.target));
    const firstIndexOf = new Map<string, number>();
    keys.forEach((key, index) => {
      if (!firstIndexOf.has(key)) firstIndexOf.set(key, index);
    });
    const firsts = [...firstIndexOf.values()];
    const stored = await upsert(
      firsts.map((index) => ({ row: rowOf(payloads[index]!), payload: payloads[index]! })),
    );
    const changedKeys = new Set(stored.map((row) => row.target_key));
    const unchangedKeys = firsts.map((index) => keys[index]!).filter((key) => !changedKeys.has(key));
    const inForce =
      unchangedKeys.length > 0 ? await inForceOf(unchangedKeys) : new Map<string, RevocationPayload>();

    const results = new Array<{ changed: boolean; inForce: RevocationPayload }>(payloads.length);
    for (const index of firsts) {
      const key = keys[index]!;
      results[index] = changedKeys.has(key)
        ? { changed: true, inForce: payloads[index]! }
        : { changed: false, inForce: inForce.get(key) ?? payloads[index]! };
    }
    for (let index = 0; index < payloads.length; index++) {
      if (firstIndexOf.get(keys[index]!) !== index)
        results[index] = (await this.storeBatch([payloads[index]!], upsert, inForceOf))[0]!;
    }
    return results;
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
  inForce(targetKeys: readonly string[]): Promise<Map<string, RevocationPayload>> {
    if (targetKeys.length === 0) return Promise.resolve(new Map<string, RevocationPayload>());
    return this.inForceWith(this.dataSource.manager, targetKeys);
  }

  private async inForceWith(
    manager: EntityManager,
    targetKeys: readonly string[],
  ): Promise<Map<string, RevocationPayload>> {
    const rows = await manager.query<{ target_key: string; payload: RevocationPayload }[]>(
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
