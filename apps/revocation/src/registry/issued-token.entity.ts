import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A token issuance fact as this service knows it: identifiers only, never the token. */
@Entity({ name: 'issued_tokens' })
export class IssuedTokenEntity {
  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ name: 'grant_id', type: 'text' })
  grantId!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  sub!: string;

  @Column({ type: 'text', array: true })
  aud!: string[];

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'grant_type', type: 'text' })
  grantType!: string;

  @Column({ type: 'text' })
  format!: string;

  /** The login session behind a user's token. */
  @Column({ name: 'session_id', type: 'text', nullable: true })
  sessionId!: string | null;

  /** The jti of the token this one was exchanged from (RFC 8693), revoked with it. */
  @Column({ name: 'source_jti', type: 'text', nullable: true })
  sourceJti!: string | null;

  /** Epoch seconds. */
  @Column({ name: 'issued_at', type: 'bigint' })
  issuedAt!: string;

  /** Epoch seconds. */
  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt!: string;
}
