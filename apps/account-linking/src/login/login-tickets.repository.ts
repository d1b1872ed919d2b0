import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { LoginTicketEntity } from './login-ticket.entity';

/** Login tickets; the only code that touches that table. */
@Injectable()
export class LoginTicketsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(ticket: LoginTicketEntity): Promise<void> {
    const repository = this.dataSource.getRepository(LoginTicketEntity);
    await repository.delete({ expiresAt: LessThan(new Date()) });
    await repository.insert(ticket);
  }

  /** Removes and returns the unexpired ticket: whatever the outcome, a ticket is presented once. */
  async take(ticketHash: string): Promise<LoginTicketEntity | null> {
    const rows = await this.dataSource.query<[Record<string, unknown>[], number]>(
      `DELETE FROM "account_linking"."login_tickets" WHERE "ticket_hash" = $1 AND "expires_at" > now()
       RETURNING "ticket_hash", "transaction_id", "user_id", "connection", "expires_at"`,
      [ticketHash],
    );
    const row = rows[0][0];
    if (!row) return null;
    return {
      ticketHash: row.ticket_hash as string,
      transactionId: row.transaction_id as string,
      userId: row.user_id as string,
      connection: row.connection as string,
      expiresAt: row.expires_at as Date,
    };
  }
}
