import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The address of each user's last successful login (Auth0's `last_ip`). Besides the profile, it is
 * the signal that puts a password check in the hashing queue's priority lane (docs/adr/0013): it
 * lives with the user, so every account-linking instance sees it and it survives restarts.
 */
export class UsersLastIp1766400000000 implements MigrationInterface {
  name = 'UsersLastIp1766400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "account_linking"."users" ADD COLUMN "last_ip" TEXT`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "account_linking"."users" DROP COLUMN "last_ip"`);
  }
}
