import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auth0's refresh-token `device` object: where each token was obtained (`ip`, `user_agent` of the
 * `/oauth/token` request, from `refresh_token.issued` / `.rotated`). A family's `initial_*` are those
 * of its first token (`first_of_family`: the one `refresh_token.issued` announced); its `last_*` are
 * those of its latest token, which is the one the Management API shows. Tokens recorded before
 * this migration know neither (their events carried no origin).
 */
export class RefreshTokenDevices1733011200000 implements MigrationInterface {
  name = 'RefreshTokenDevices1733011200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."refresh_tokens"
      ADD COLUMN "ip" TEXT,
      ADD COLUMN "user_agent" TEXT,
      ADD COLUMN "first_of_family" BOOLEAN NOT NULL DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."refresh_tokens"
      DROP COLUMN "first_of_family", DROP COLUMN "user_agent", DROP COLUMN "ip"`);
  }
}
