import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When revocation's janitor wrote the tombstone of an expired revocation (issue #15 §2). Kept in the
 * row rather than deleting it: the row still deduplicates a repeated revocation of the same target,
 * and after a restart the janitor knows exactly which expired revocations still need a tombstone.
 * The partial index holds only the rows still waiting for one, so a run scans nothing else.
 */
export class RevocationTombstones1765600000000 implements MigrationInterface {
  name = 'RevocationTombstones1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."revocations" ADD COLUMN "tombstoned_at" TIMESTAMPTZ`);
    await runner.query(
      `CREATE INDEX "revocations_awaiting_tombstone" ON "revocation"."revocations" ("expires_at")
       WHERE "tombstoned_at" IS NULL AND "expires_at" IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "revocation"."revocations_awaiting_tombstone"`);
    await runner.query(`ALTER TABLE "revocation"."revocations" DROP COLUMN "tombstoned_at"`);
  }
}
