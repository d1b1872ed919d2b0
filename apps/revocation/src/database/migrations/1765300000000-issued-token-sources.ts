import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The token an exchanged token was made from (`source_jti` of `access_token.issued`, issue #14 §4):
 * revoking a JWT revokes the tokens made from it (docs/adr/0009). Only exchanged tokens have one, so
 * the index holds only them.
 */
export class IssuedTokenSources1765300000000 implements MigrationInterface {
  name = 'IssuedTokenSources1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."issued_tokens" ADD COLUMN "source_jti" TEXT`);
    await runner.query(`CREATE INDEX "issued_tokens_source_jti" ON "revocation"."issued_tokens" ("source_jti")
      WHERE "source_jti" IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "revocation"."issued_tokens_source_jti"`);
    await runner.query(`ALTER TABLE "revocation"."issued_tokens" DROP COLUMN "source_jti"`);
  }
}
