import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A brute-force block (Auth0's user block): one login identifier of a connection may no longer be
 * logged in to from one address. The record of blocks; the failure counters that lead to one are in
 * Redis.
 */
@Entity({ name: 'user_blocks' })
export class UserBlockEntity {
  @PrimaryColumn({ type: 'text' })
  connection!: string;

  /** The email or username as typed at login, lowercased; need not name an existing user. */
  @PrimaryColumn({ type: 'text' })
  identifier!: string;

  /** What the block applies to: the address, or an IPv6 address's /64 (login-address.ts). */
  @PrimaryColumn({ name: 'address_key', type: 'text' })
  addressKey!: string;

  /** The address whose failures made the block (Auth0's `blocked_for[].ip`). */
  @Column({ type: 'text' })
  ip!: string;

  /** The account the identifier named when it was blocked, if any. */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  @Column({ name: 'blocked_at', type: 'timestamptz' })
  blockedAt!: Date;
}
