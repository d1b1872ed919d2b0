import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index for the janitor that now deletes expired consent prompts too (review #7): every `/authorize`
 * of a third-party client by a logged-in user inserts one, so a sweep must not scan the whole table.
 */
export class ConsentPromptExpiryIndex1766100000000 implements MigrationInterface {
  name = 'ConsentPromptExpiryIndex1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX "consent_prompts_expires_at" ON "issuance"."consent_prompts" ("expires_at")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "issuance"."consent_prompts_expires_at"`);
  }
}
