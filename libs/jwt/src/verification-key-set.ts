import type { KeyObject } from 'node:crypto';
import type { PublicJwk, SigningAlg, SigningKeySnapshot } from '@app/contracts';
import { INTROSPECTION_KEY_KID_PREFIX } from './introspection-response-key';
import { importVerificationKey } from './jws-signature';
import { jwkThumbprint } from './jwk-thumbprint';

export interface KnownKey {
  readonly alg: SigningAlg;
  /** Imported once, when the key is first trusted: verifications use it synchronously. */
  readonly key: KeyObject;
}

/** What `confirm` did with one JWKS answer. */
export interface Confirmation {
  /** Kids trusted by this answer that were not trusted before. */
  readonly trusted: string[];
  /** Kids an event announced with key material other than the JWKS publishes for them. */
  readonly mismatched: string[];
  /** Kids an event announced that the JWKS does not publish: never trusted from the event alone. */
  readonly unpublished: string[];
}

/**
 * The public keys a validator trusts, by kid (issue #20 §4). Only the issuer's JWKS, fetched over its
 * TLS origin, makes a key trusted (`confirm`): anyone who can write to the signing-keys topic could
 * announce a key of their own there, so a signing-key event only makes its kid a candidate, to be
 * confirmed by the next JWKS fetch when the JWKS publishes the same key (RFC 7638 thumbprint).
 * Revocations are taken from the topic alone — believing a forged one fails closed — and a revoked
 * kid is remembered so that neither a stale JWKS response nor a replayed event can bring it back.
 */
export class VerificationKeySet {
  private readonly keys = new Map<string, KnownKey>();
  /** Kids announced by an event and not confirmed yet, with the thumbprint the event gave. */
  private readonly candidates = new Map<string, string | null>();
  private readonly revoked = new Set<string>();
  private readonly listeners: ((kid: string) => void)[] = [];

  /**
   * Applies a signing-key event's snapshot: a revocation at once, anything else as a candidate.
   * True when it names a kid that is neither trusted, revoked nor already a candidate.
   */
  announce(snapshot: SigningKeySnapshot): boolean {
    if (snapshot.state === 'revoked') {
      this.revoke(snapshot.kid);
      return false;
    }
    const kid = snapshot.kid;
    if (this.revoked.has(kid) || this.keys.has(kid) || this.candidates.has(kid)) return false;
    // An event whose snapshot names two kids is not ours; the JWKS alone can still vouch for the kid.
    this.candidates.set(kid, snapshot.public_jwk.kid === kid ? jwkThumbprint(snapshot.public_jwk) : null);
    return true;
  }

  /**
   * Trusts the keys the issuer's JWKS publishes (its answer is the authority on key material: a
   * candidate whose announced key differs is reported and dropped, the published key trusted).
   * Candidates the JWKS does not publish are dropped, untrusted: a token signed by one is inactive
   * (and asks the JWKS again, under its rate limit, should the kid be published later).
   */
  confirm(jwks: readonly PublicJwk[]): Confirmation {
    const trusted: string[] = [];
    const mismatched: string[] = [];
    for (const jwk of jwks) {
      if (this.candidates.has(jwk.kid)) {
        if (this.candidates.get(jwk.kid) !== jwkThumbprint(jwk)) mismatched.push(jwk.kid);
        this.candidates.delete(jwk.kid);
      }
      if (this.trust(jwk)) trusted.push(jwk.kid);
    }
    const unpublished = [...this.candidates.keys()];
    this.candidates.clear();
    return { trusted, mismatched, unpublished };
  }

  /**
   * Trusts a public key from an authoritative source (the JWKS, via `confirm`; unit tests). True when
   * the kid was not trusted before.
   */
  trust(jwk: PublicJwk): boolean {
    if (this.revoked.has(jwk.kid) || this.keys.has(jwk.kid)) return false;
    // The JWKS also publishes the key of signed introspection answers, which must never pass for a token.
    if (jwk.kid.startsWith(INTROSPECTION_KEY_KID_PREFIX)) return false;
    // A key that does not fit its algorithm (wrong type, curve or size) is never trusted.
    const key = importVerificationKey(jwk);
    if (!key) return false;
    this.keys.set(jwk.kid, { alg: jwk.alg, key });
    return true;
  }

  revoke(kid: string): void {
    this.revoked.add(kid);
    this.keys.delete(kid);
    this.candidates.delete(kid);
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

  /** Whether an event announced the kid and no JWKS answer has been compared with it yet. */
  isCandidate(kid: string): boolean {
    return this.candidates.has(kid);
  }

  get candidateCount(): number {
    return this.candidates.size;
  }

  get(kid: string): KnownKey | undefined {
    return this.keys.get(kid);
  }

  get size(): number {
    return this.keys.size;
  }
}
