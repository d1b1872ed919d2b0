import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login sessions get a cookie secret of their own (security review #1): until now the cookie value
 * was the session id, which is published as `sid` in ID tokens, as `session_id` on the audit stream
 * and by the Management API. The id stays the session's public name; the cookie now carries a
 * separate random secret of which only the SHA-256 is kept. Every session that exists today was
 * reachable with a published value, so this migration ends them all (they have no secret, so no
 * cookie can name them any more, and they are marked revoked as well).
 */
export class SessionSecrets1765100000000 implements MigrationInterface {
  name = 'SessionSecrets1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE "issuance"."login_sessions" SET "revoked_at" = EXTRACT(EPOCH FROM now())::BIGINT
       WHERE "revoked_at" IS NULL`,
    );
    // NULL only for the sessions ended above, which no cookie can reach.
    await runner.query(`ALTER TABLE "issuance"."login_sessions" ADD COLUMN "secret_hash" TEXT`);
    await runner.query(
      `CREATE UNIQUE INDEX "login_sessions_secret_hash" ON "issuance"."login_sessions" ("secret_hash")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "issuance"."login_sessions_secret_hash"`);
    await runner.query(`ALTER TABLE "issuance"."login_sessions" DROP COLUMN "secret_hash"`);
  }
}
