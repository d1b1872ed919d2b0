import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RevocationPayload } from '@app/contracts';

/** One revoked target (a jti, a grant, a user's or client's not-before, a key). Unique per target. */
@Entity({ name: 'revocations' })
export class RevocationEntity {
  /** `revocationKey(target)` from libs/contracts, also the Kafka key of its event. */
  @PrimaryColumn({ name: 'target_key', type: 'text' })
  targetKey!: string;

  @Column({ type: 'text' })
  kind!: RevocationPayload['target']['kind'];

  @Column({ type: 'jsonb' })
  payload!: RevocationPayload;

  /** Epoch seconds after which the revocation no longer matters; null = forever. */
  @Column({ name: 'expires_at', type: 'bigint', nullable: true })
  expiresAt!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz' })
  revokedAt!: Date;

  /** When the janitor tombstoned its key on the revocation topic (it had expired); null = not yet. */
  @Column({ name: 'tombstoned_at', type: 'timestamptz', nullable: true })
  tombstonedAt!: Date | null;
}
