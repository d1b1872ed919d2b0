import { createKafka, type KafkaSecurity } from '@app/kafka';
// Single files rather than the `@app/jwt` barrel: see token-state-feed.ts.
import { AccessTokenVerifier, type VerifiedJwt } from '../../jwt/src/access-token-verifier';
import { JwksFetcher } from '../../jwt/src/jwks-fetcher';
import { JwksKeyConfirmation } from '../../jwt/src/jwks-key-confirmation';
import { revocableTokenOf } from '../../jwt/src/revocable-token';
import { RevocationList } from '../../jwt/src/revocation-list';
import { VerificationKeySet } from '../../jwt/src/verification-key-set';
import {
  grantedScopes,
  type TesseraAccessTokenClaims,
  type TokenRejection,
  type ValidationResult,
} from './access-token-claims';
import { TokenStateFeed } from './token-state-feed';

export interface TesseraTokenValidatorOptions {
  /** Tessera's issuer, exactly as in the tokens' `iss` (with its trailing slash). */
  readonly issuer: string;
  /** This API's identifier: a token must name it in `aud`. */
  readonly audience: string;
  /**
   * Tessera's JWKS on its TLS origin (`{issuer}.well-known/jwks.json`, the gateway): the only source
   * that makes a signing key trusted. A key announced on the signing-keys topic is used once this
   * JWKS publishes the same key (issue #20 §4); must be https unless `allowHttpJwks`.
   */
  readonly jwksUri: string;
  /** Accept an http `jwksUri`: for a development or test stack without TLS only. */
  readonly allowHttpJwks?: boolean;
  /** At most one JWKS fetch that a token or an event can cause per this many ms (default 10 000). */
  readonly jwksMinIntervalMs?: number;
  /**
   * The broker, and how to log in to it: a secured Tessera broker takes TLS and SCRAM as a subscriber
   * principal (`npm run kafka:subscriber -- add <name>` on a local one), which may read the revocation
   * and signing-key topics and nothing more.
   */
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId?: string;
    readonly security?: KafkaSecurity;
  };
  /** Scopes every request needs; adapters can ask for more per route. */
  readonly requiredScopes?: readonly string[];
  readonly clockToleranceSeconds?: number;
}

const PRUNE_INTERVAL_MS = 60_000;

/**
 * Validates Tessera JWT access tokens inside an API, with no call to Tessera per request: signatures
 * against the published keys, then `iss`, `exp`, `nbf`, `aud`, scopes, and the revocation state read
 * from `tessera.tokens.revoked.v1`. A revoked token is refused as soon as its revocation event
 * arrives (milliseconds), not at its expiry (DESIGN §1).
 *
 * Until `ready()` has resolved the validator refuses every token as `not_ready`: before the
 * revocation topic is replayed it cannot know whether a token was revoked, and it fails closed.
 * It does so again, for good, once it meets a key or revocation event it cannot read or apply
 * (`haltReason`; issue #15 §3): it cannot know what that event revoked.
 */
export class TesseraTokenValidator {
  private readonly keys = new VerificationKeySet();
  private readonly revocations: RevocationList;
  private readonly confirmation: JwksKeyConfirmation;
  private readonly verifier: AccessTokenVerifier;
  private readonly feed: TokenStateFeed;
  private starting: Promise<void> | null = null;
  private isReady = false;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: TesseraTokenValidatorOptions) {
    // Entries stay while `exp` plus the tolerance could still let their token through.
    this.revocations = new RevocationList(options.clockToleranceSeconds ?? 0);
    const fetcher = new JwksFetcher(options.jwksUri, {
      allowHttp: options.allowHttpJwks,
      minIntervalMs: options.jwksMinIntervalMs,
    });
    this.confirmation = new JwksKeyConfirmation(this.keys, fetcher);
    this.verifier = new AccessTokenVerifier(this.keys, this.confirmation, {
      issuer: options.issuer,
      clockToleranceSeconds: options.clockToleranceSeconds,
    });
    const clientId = options.kafka.clientId ?? 'tessera-resource-server';
    this.feed = new TokenStateFeed(
      createKafka({ brokers: options.kafka.brokers, clientId, security: options.kafka.security }),
      clientId,
      this.keys,
      this.confirmation,
      this.revocations,
    );
  }

  /**
   * Starts following Tessera's keys and revocations; resolves once both topics have been replayed
   * and the JWKS has answered once (it confirms the replayed keys; retried until it answers).
   */
  ready(): Promise<void> {
    this.starting ??= this.feed.start().then(
      async () => {
        await this.confirmation.confirmReplayed();
        this.isReady = true;
        this.pruneTimer = setInterval(() => this.revocations.prune(), PRUNE_INTERVAL_MS);
        this.pruneTimer.unref();
      },
      async (error: unknown) => {
        // Let a later call try again (e.g. once Kafka is back) instead of caching the failure.
        this.starting = null;
        await this.feed.stop();
        throw error;
      },
    );
    return this.starting;
  }

  get readyNow(): boolean {
    return this.isReady && this.feed.haltReason === null;
  }

  /** Why the validator refuses every token although it has replayed the topics, or null. */
  get haltReason(): string | null {
    return this.feed.haltReason;
  }

  /**
   * The token's claims, or why it is refused; never throws for a bad token. `routeScopes` are needed
   * on top of the validator's own `requiredScopes` (all of them, as express-oauth2-jwt-bearer's
   * `requiredScopes` does).
   */
  async validate(token: string | undefined, routeScopes: readonly string[] = []): Promise<ValidationResult> {
    if (!this.readyNow) return refuse({ kind: 'not_ready' });
    if (!token) return refuse({ kind: 'invalid_token', reason: 'malformed' });
    const verified = await this.verifier.verify(token);
    if (!verified) return refuse({ kind: 'invalid_token', reason: 'unverified' });
    const claims = asAccessTokenClaims(verified);
    if (!claims) return refuse({ kind: 'invalid_token', reason: 'not_an_access_token' });
    if (!audiences(claims).includes(this.options.audience))
      return refuse({ kind: 'invalid_token', reason: 'audience' });
    const revoked = this.revocations.isRevoked(revocableTokenOf(verified));
    if (revoked) return refuse({ kind: 'invalid_token', reason: 'revoked' });
    const granted = grantedScopes(claims);
    const allScopes = [...(this.options.requiredScopes ?? []), ...routeScopes];
    if (!allScopes.every((scope) => granted.has(scope)))
      return refuse({ kind: 'insufficient_scope', requiredScopes: [...new Set(allScopes)] });
    return { ok: true, claims };
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.confirmation.stop();
    this.isReady = false;
    this.starting = null;
    await this.feed.stop();
  }
}

function refuse(rejection: TokenRejection): ValidationResult {
  return { ok: false, rejection };
}

/**
 * Tessera always puts a `jti` in an access token so that it can be revoked (DESIGN §3); a verified
 * token without one, or without a subject, is not an access token of ours (an ID token, say).
 */
function asAccessTokenClaims({ claims }: VerifiedJwt): TesseraAccessTokenClaims | null {
  const { iss, sub, aud, exp, iat, jti } = claims;
  if (typeof iss !== 'string' || typeof sub !== 'string' || typeof jti !== 'string') return null;
  if (typeof exp !== 'number' || typeof iat !== 'number') return null;
  if (typeof aud !== 'string' && !Array.isArray(aud)) return null;
  if (claims.scope !== undefined && typeof claims.scope !== 'string') return null;
  return claims as TesseraAccessTokenClaims;
}

function audiences(claims: TesseraAccessTokenClaims): readonly string[] {
  return typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
}
