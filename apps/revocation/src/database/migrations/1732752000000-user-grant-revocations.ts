import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Every grant of this user issued up to this second is revoked" (Management API user-wide deletions),
 * so a grant the registry learns of only after the deletion — the audit stream can lag — is revoked
 * on arrival instead of escaping it.
 */
export class UserGrantRevocations1732752000000 implements MigrationInterface {
  name = 'UserGrantRevocations1732752000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "revocation"."user_grant_revocations" (
      "user_id" TEXT PRIMARY KEY,
      "revoked_through" BIGINT NOT NULL,
      "reason" TEXT NOT NULL,
      "revoked_by" JSONB NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "revocation"."user_grant_revocations"`);
  }
}
