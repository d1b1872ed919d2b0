import type { KeyObject } from 'node:crypto';
import type { PublicJwk, SigningAlg, SigningKeySnapshot } from '@app/contracts';
import { INTROSPECTION_KEY_KID_PREFIX } from './introspection-response-key';
import { importVerificationKey } from './jws-signature';

export interface KnownKey {
  readonly alg: SigningAlg;
  /** Imported once, when the key is first trusted: verifications use it synchronously. */
  readonly key: KeyObject;
}

/**
 * The public keys a validator trusts, by kid. Fed by signing-key events (and by a JWKS fetch for a kid
 * it has not heard of yet). A revoked kid is remembered so that neither a stale JWKS response nor a
 * replayed event can bring it back.
 */
export class VerificationKeySet {
  private readonly keys = new Map<string, KnownKey>();
  private readonly revoked = new Set<string>();
  private readonly listeners: ((kid: string) => void)[] = [];

  /** Applies a signing-key event's snapshot. */
  apply(snapshot: SigningKeySnapshot): void {
    if (snapshot.state === 'revoked') this.revoke(snapshot.kid);
    else this.trust(snapshot.public_jwk);
  }

  /** Trusts a published public key (from an event or the JWKS). */
  trust(jwk: PublicJwk): void {
    if (this.revoked.has(jwk.kid) || this.keys.has(jwk.kid)) return;
    // The JWKS also publishes the key of signed introspection answers, which must never pass for a token.
    if (jwk.kid.startsWith(INTROSPECTION_KEY_KID_PREFIX)) return;
    // A key that does not fit its algorithm (wrong type, curve or size) is never trusted.
    const key = importVerificationKey(jwk);
    if (key) this.keys.set(jwk.kid, { alg: jwk.alg, key });
  }

  revoke(kid: string): void {
    this.revoked.add(kid);
    this.keys.delete(kid);
    for (const listener of this.listeners) listener(kid);
  }

  /** Called with the kid whenever a key is revoked (e.g. to drop cached verifications). */
  onRevoked(listener: (kid: string) => void): void {
    this.listeners.push(listener);
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  isRevoked(kid: string): boolean {
    return this.revoked.has(kid);
  }

  get(kid: string): KnownKey | undefined {
    return this.keys.get(kid);
  }

  get size(): number {
    return this.keys.size;
  }
}
