import { sessionRevocationEndsTokens, type RevocationPayload } from '@app/contracts';

/** What a revocation check needs to know about a verified token. */
export interface RevocableToken {
  readonly jti?: string;
  /** The grant the token belongs to: an opaque token's Redis record names it, a user JWT its `grant_id` claim. */
  readonly grantId?: string;
  /** The login session it comes from: a JWT's `sid` claim, an opaque token's record `session_id`. */
  readonly sessionId?: string;
  /** The id (record `jti`) of an opaque refresh token. */
  readonly refreshTokenId?: string;
  readonly sub?: string;
  readonly clientId?: string;
  /** Epoch seconds. */
  readonly issuedAt?: number;
  /** The signing key of a JWT; opaque tokens have none. */
  readonly kid?: string;
}

/**
 * The revocation state a validator keeps in memory, rebuilt from `tessera.tokens.revoked.v1`.
 * Applying the same revocation twice changes nothing, and a later not-before only ever moves forward,
 * so replays and redeliveries are harmless.
 *
 * Bounded by live revocations (issue #15 §2): a revocation whose token has expired is not stored at
 * all (a replay of a topic the janitor has not compacted yet, or an event that arrived late), and
 * those that expire while held are dropped by `prune`, which the owners call on a timer. Expired
 * means past `expires_at` plus the clock tolerance the validator grants to `exp`, so an entry never
 * leaves while its token could still be accepted.
 */
export class RevocationList {
  private readonly jtis = new Map<string, number>();
  private readonly grants = new Map<string, number>();
  private readonly refreshTokenIds = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly subjectNotBefore = new Map<string, number>();
  private readonly clientNotBefore = new Map<string, number>();
  private readonly kids = new Set<string>();

  /** @param toleranceSeconds how long after `exp` the validator still accepts a token (its clock tolerance). */
  constructor(private readonly toleranceSeconds = 0) {}

  apply(revocation: RevocationPayload, nowSeconds = Date.now() / 1000): void {
    const until =
      revocation.expires_at === null
        ? Number.MAX_SAFE_INTEGER
        : revocation.expires_at + this.toleranceSeconds;
    const target = revocation.target;
    // Not-befores and signing keys never expire; anything else whose token is gone needs no entry.
    if (until < nowSeconds) return;
    switch (target.kind) {
      case 'jti':
        extendUntil(this.jtis, target.jti, until);
        return;
      case 'refresh_token':
        extendUntil(this.refreshTokenIds, target.refresh_token_id, until);
        return;
      case 'session':
        // Its tokens carry its `sid`: they end with it, unless it was a logout (which keeps them).
        if (sessionRevocationEndsTokens(revocation)) extendUntil(this.sessions, target.session_id, until);
        return;
      case 'grant':
        // An opaque token names its grant in its Redis record, a user JWT in its `grant_id` claim. For
        // validators that do not read that claim, the revocation service also expands a grant into
        // the jtis it issued (its registry), which arrive as jti revocations.
        extendUntil(this.grants, target.grant_id, until);
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
    if (token.kid !== undefined && this.kids.has(token.kid)) return true;
    if (token.jti !== undefined && this.jtis.has(token.jti)) return true;
    if (token.grantId !== undefined && this.grants.has(token.grantId)) return true;
    if (token.refreshTokenId !== undefined && this.refreshTokenIds.has(token.refreshTokenId)) return true;
    if (token.sessionId !== undefined && this.sessions.has(token.sessionId)) return true;
    // A token without `iat` cannot prove it was issued after a not-before: treat it as revoked.
    const issuedAt = token.issuedAt ?? 0;
    if (token.sub !== undefined && issuedAt <= (this.subjectNotBefore.get(token.sub) ?? -1)) return true;
    if (token.clientId !== undefined && issuedAt <= (this.clientNotBefore.get(token.clientId) ?? -1))
      return true;
    return false;
  }

  /** Drops revocations of tokens that have expired anyway (keeps memory bounded by live tokens). */
  prune(nowSeconds = Date.now() / 1000): number {
    return (
      pruneExpired(this.jtis, nowSeconds) +
      pruneExpired(this.grants, nowSeconds) +
      pruneExpired(this.refreshTokenIds, nowSeconds) +
      pruneExpired(this.sessions, nowSeconds)
    );
  }

  get size(): number {
    return (
      this.jtis.size +
      this.grants.size +
      this.refreshTokenIds.size +
      this.sessions.size +
      this.subjectNotBefore.size +
      this.clientNotBefore.size +
      this.kids.size
    );
  }
}

/** Keeps the later of two "matters until" moments, so a replayed or reordered event never shortens one. */
function extendUntil(map: Map<string, number>, id: string, until: number): void {
  map.set(id, Math.max(until, map.get(id) ?? 0));
}

function pruneExpired(map: Map<string, number>, nowSeconds: number): number {
  let removed = 0;
  for (const [id, until] of map) {
    if (until < nowSeconds) {
      map.delete(id);
      removed++;
    }
  }
  return removed;
}
