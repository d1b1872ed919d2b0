import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The address of each user's last successful login (Auth0's `last_ip`). Besides the profile, it is
 * the signal that puts a password check in the hashing queue's priority lane (docs/adr/0013): it
 * lives with the user, so every account-linking instance sees it and it survives restarts. The index
 * serves the instances' periodic read of recent logins' addresses (OwnerAddresses).
 */
export class UsersLastIp1766400000000 implements MigrationInterface {
  name = 'UsersLastIp1766400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "account_linking"."users" ADD COLUMN "last_ip" TEXT`);
    // Each account-linking instance reads the addresses of recent logins every few seconds.
    await runner.query(
      `CREATE INDEX "users_last_login" ON "account_linking"."users" ("last_login") WHERE "last_ip" IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "account_linking"."users_last_login"`);
    await runner.query(`ALTER TABLE "account_linking"."users" DROP COLUMN "last_ip"`);
  }
}
