import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' consents to third-party clients (`consent.granted`, security review #9) are grants too:
 * Auth0's `/api/v2/grants` lists exactly these. `consent` tells them from the token grants (a
 * refresh-token family); deleting a consent also revokes the token grants issued under it.
 */
export class ConsentGrants1765500000001 implements MigrationInterface {
  name = 'ConsentGrants1765500000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "revocation"."grants" ADD COLUMN "consent" BOOLEAN NOT NULL DEFAULT false`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "revocation"."grants" DROP COLUMN "consent"`);
  }
}
