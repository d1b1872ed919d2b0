import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The registry of issued tokens: revocation's projection of `tessera.tokens.issued.v1`. */
export class IssuedTokenRegistry1732492800000 implements MigrationInterface {
  name = 'IssuedTokenRegistry1732492800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "revocation"."issued_tokens" (
      "jti" TEXT PRIMARY KEY,
      "grant_id" TEXT NOT NULL,
      "client_id" TEXT NOT NULL,
      "sub" TEXT NOT NULL,
      "aud" TEXT[] NOT NULL,
      "scope" TEXT NOT NULL,
      "grant_type" TEXT NOT NULL,
      "format" TEXT NOT NULL,
      "issued_at" BIGINT NOT NULL,
      "expires_at" BIGINT NOT NULL
    )`);
    await runner.query(`CREATE INDEX "issued_tokens_grant" ON "revocation"."issued_tokens" ("grant_id")`);
    await runner.query(`CREATE INDEX "issued_tokens_sub" ON "revocation"."issued_tokens" ("sub")`);
    await runner.query(`CREATE INDEX "issued_tokens_client" ON "revocation"."issued_tokens" ("client_id")`);
    await runner.query(
      `CREATE INDEX "issued_tokens_expires_at" ON "revocation"."issued_tokens" ("expires_at")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "revocation"."issued_tokens"`);
  }
}
