import type { RevocationPayload } from '@app/contracts';

/** What a revocation check needs to know about a verified token. */
export interface RevocableToken {
  readonly jti?: string;
  readonly sub?: string;
  readonly clientId?: string;
  /** Epoch seconds. */
  readonly issuedAt?: number;
  readonly kid: string;
}

/**
 * The revocation state a validator keeps in memory, rebuilt from `tessera.tokens.revoked.v1`.
 * Applying the same revocation twice changes nothing, and a later not-before only ever moves forward,
 * so replays and redeliveries are harmless. Entries whose tokens have expired are pruned.
 */
export class RevocationList {
  private readonly jtis = new Map<string, number>();
  private readonly subjectNotBefore = new Map<string, number>();
  private readonly clientNotBefore = new Map<string, number>();
  private readonly kids = new Set<string>();

  apply(revocation: RevocationPayload): void {
    const until = revocation.expires_at ?? Number.MAX_SAFE_INTEGER;
    const target = revocation.target;
    switch (target.kind) {
      case 'jti':
        this.jtis.set(target.jti, Math.max(until, this.jtis.get(target.jti) ?? 0));
        return;
      case 'refresh_token':
      case 'session':
        // Opaque refresh tokens and login sessions: not JWTs. The revocation service deletes the
        // opaque records, and issuance stops honouring the session.
        return;
      case 'grant':
        // A JWT does not name its grant, so a validator cannot apply this itself: the revocation
        // service expands a grant into the jtis and opaque tokens it issued (its registry).
        return;
      case 'subject':
        this.subjectNotBefore.set(
          target.sub,
          Math.max(target.not_before, this.subjectNotBefore.get(target.sub) ?? 0),
        );
        return;
      case 'client':
        this.clientNotBefore.set(
          target.client_id,
          Math.max(target.not_before, this.clientNotBefore.get(target.client_id) ?? 0),
        );
        return;
      case 'signing_key':
        this.kids.add(target.kid);
        return;
    }
  }

  isRevoked(token: RevocableToken): boolean {
    if (this.kids.has(token.kid)) return true;
    if (token.jti !== undefined && this.jtis.has(token.jti)) return true;
    // A token without `iat` cannot prove it was issued after a not-before: treat it as revoked.
    const issuedAt = token.issuedAt ?? 0;
    if (token.sub !== undefined && issuedAt <= (this.subjectNotBefore.get(token.sub) ?? -1)) return true;
    if (token.clientId !== undefined && issuedAt <= (this.clientNotBefore.get(token.clientId) ?? -1))
      return true;
    return false;
  }

  /** Drops revocations of tokens that have expired anyway (keeps memory bounded by live tokens). */
  prune(nowSeconds = Math.floor(Date.now() / 1000)): number {
    let removed = 0;
    for (const [jti, until] of this.jtis) {
      if (until < nowSeconds) {
        this.jtis.delete(jti);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.jtis.size + this.subjectNotBefore.size + this.clientNotBefore.size + this.kids.size;
  }
}
