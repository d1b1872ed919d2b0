import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTablesSql, dropMessagingTablesSql } from '@app/outbox';

/** The messaging tables; users, connections and identities arrive with the Account-linking issue (#6). */
export class Initial1732406400000 implements MigrationInterface {
  name = 'Initial1732406400000';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of createMessagingTablesSql('account_linking')) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of dropMessagingTablesSql('account_linking')) await runner.query(sql);
  }
}
