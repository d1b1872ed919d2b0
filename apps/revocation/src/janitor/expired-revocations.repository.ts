import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS } from '@app/contracts';
import { REVOCATION_SCHEMA } from '../database/revocation-database';

const REVOCATIONS = `"${REVOCATION_SCHEMA}"."revocations"`;
const OUTBOX = `"${REVOCATION_SCHEMA}"."outbox"`;

/**
 * The revocation rows the janitor works on: those whose token has expired and whose key has no
 * tombstone on the revocation topic yet. Not-befores (`subject`, `client`) and signing keys never
 * expire (`expires_at` null) and are never selected; they are superseded per key by compaction.
 */
@Injectable()
export class ExpiredRevocationsRepository {
  /**
   * Locks and returns up to `limit` keys of revocations that expired before `cutoffSeconds` and are
   * not tombstoned, oldest first. Rows another janitor has locked are skipped (SKIP LOCKED), so two
   * revocation instances share the work. A key whose event still waits in the outbox is left for a
   * later run: its tombstone must reach the partition after the event it removes, never before.
   */
  async lockExpired(manager: EntityManager, cutoffSeconds: number, limit: number): Promise<string[]> {
    const rows = await manager.query<{ target_key: string }[]>(
      `SELECT r."target_key" FROM ${REVOCATIONS} r
       WHERE r."tombstoned_at" IS NULL AND r."expires_at" IS NOT NULL AND r."expires_at" < $1
         AND r."kind" NOT IN ('subject', 'client', 'signing_key')
         AND NOT EXISTS (SELECT 1 FROM ${OUTBOX} o WHERE o."topic" = $3 AND o."key" = r."target_key")
       ORDER BY r."expires_at"
       LIMIT $2
       FOR UPDATE OF r SKIP LOCKED`,
      [cutoffSeconds, limit, TOPICS.tokensRevoked.name],
    );
    return rows.map((row) => row.target_key);
  }

  async markTombstoned(manager: EntityManager, targetKeys: readonly string[]): Promise<void> {
    await manager.query(`UPDATE ${REVOCATIONS} SET "tombstoned_at" = now() WHERE "target_key" = ANY($1)`, [
      targetKeys,
    ]);
  }
}
