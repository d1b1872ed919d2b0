import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Proof, for issuance, that a browser finished an upstream login as `userId` (single use, 60 s). */
@Entity({ name: 'login_tickets' })
export class LoginTicketEntity {
  /** SHA-256 (hex) of the ticket. */
  @PrimaryColumn({ name: 'ticket_hash', type: 'text' })
  ticketHash!: string;

  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'text' })
  connection!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
