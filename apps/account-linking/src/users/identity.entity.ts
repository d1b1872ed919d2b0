import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One identity of a user: `{provider}|{provider_user_id}` at a connection. Position 0 is the user's own. */
@Entity({ name: 'identities' })
export class IdentityEntity {
  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ name: 'provider_user_id', type: 'text' })
  providerUserId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'text' })
  connection!: string;

  @Column({ name: 'is_social', type: 'boolean' })
  isSocial!: boolean;

  @Column({ type: 'integer' })
  position!: number;

  /** The profile a linked (secondary) identity had as a user of its own. */
  @Column({ name: 'profile_data', type: 'jsonb', nullable: true })
  profileData!: Record<string, unknown> | null;

  /** The upstream access token, sealed (SecretBox, associated data = this identity and the token kind). */
  @Column({ name: 'access_token_sealed', type: 'text', nullable: true })
  accessTokenSealed!: string | null;

  @Column({ name: 'refresh_token_sealed', type: 'text', nullable: true })
  refreshTokenSealed!: string | null;

  @Column({ name: 'access_token_expires_at', type: 'timestamptz', nullable: true })
  accessTokenExpiresAt!: Date | null;

  /**
   * A database identity linked under another user keeps its password here (argon2id), so signing in
   * through it still works, and gives it back when it is unlinked.
   */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
