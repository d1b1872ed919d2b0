import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { PublicJwk, SigningAlg, SigningKeyState } from '@app/contracts';

/** A signing key. The private JWK is encrypted at rest (AES-256-GCM bound to the kid). */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  @Column({ type: 'text' })
  alg!: SigningAlg;

  @Column({ type: 'text' })
  state!: SigningKeyState;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: PublicJwk;

  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the key started signing (became `current`). */
  @Column({ name: 'current_since', type: 'timestamptz', nullable: true })
  currentSince!: Date | null;

  /** When the key stopped signing (became `previous`). */
  @Column({ name: 'current_until', type: 'timestamptz', nullable: true })
  currentUntil!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
