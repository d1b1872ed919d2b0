import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A browser on its way to an upstream provider: what the callback needs to finish the login. */
@Entity({ name: 'login_attempts' })
export class LoginAttemptEntity {
  /** SHA-256 (hex) of the `state` sent upstream. */
  @PrimaryColumn({ name: 'state_hash', type: 'text' })
  stateHash!: string;

  @Column({ type: 'text' })
  connection!: string;

  /** Issuance's opaque id of the /authorize transaction the browser returns to. */
  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  @Column({ type: 'text' })
  nonce!: string;

  /** The PKCE verifier, sealed (associated data = the state hash). */
  @Column({ name: 'code_verifier_sealed', type: 'text' })
  codeVerifierSealed!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
