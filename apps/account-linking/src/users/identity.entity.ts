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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
