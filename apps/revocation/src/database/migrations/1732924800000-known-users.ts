import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The users account-linking owns, as the (compacted) accounts topic tells them: whether each exists
 * or was deleted, so `/api/v2/users/{id}/refresh-tokens` and `/sessions` can answer Auth0's 404
 * "User not found". The snapshot's `updated_at` orders redeliveries; a deletion wins unless a newer
 * snapshot recreates the user.
 */
export class KnownUsers1732924800000 implements MigrationInterface {
  name = 'KnownUsers1732924800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "revocation"."known_users" (
      "user_id" TEXT PRIMARY KEY,
      "updated_at" TIMESTAMPTZ NOT NULL,
      "deleted" BOOLEAN NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "revocation"."known_users"`);
  }
}
