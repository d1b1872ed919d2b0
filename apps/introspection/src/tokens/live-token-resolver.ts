import { Inject, Injectable } from '@nestjs/common';
import type { OpaqueTokenRecord } from '@app/contracts';
import {
  AccessTokenVerifier,
  revocableTokenOf,
  RevocationList,
  TokenStateGate,
  type VerifiedJwt,
} from '@app/jwt';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from '../config/introspection.config';
import { OpaqueTokenRepository } from '../opaque/opaque-token.repository';
import { IntrospectionMetrics } from '../metrics/introspection-metrics';
import { VerifiedTokenCache } from './verified-token-cache';

/** A token that is ours, unexpired and unrevoked, described in RFC 7662 §2.2 terms. */
export interface LiveToken {
  readonly format: 'jwt' | 'opaque';
  readonly kind: 'access_token' | 'refresh_token';
  readonly scope: string;
  /** The client it was issued to (`client_id` in RFC 9068, `azp` in Auth0's profile). */
  readonly clientId: string;
  readonly sub: string;
  readonly aud: string | string[];
  readonly iss: string;
  readonly exp: number;
  readonly iat: number;
  readonly nbf?: number;
  readonly jti: string;
  readonly act?: unknown;
}

/**
 * An opaque token is random text (RFC 6750 b64token characters); anything else, or anything far
 * longer than what issuance mints, is not one of ours, and costs no Redis round trip.
 */
const OPAQUE_TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]{16,512}=*$/;

/**
 * Decides whether a presented access or refresh token is live, for every endpoint that takes one
 * (`/oauth/introspect`, `/userinfo`). The token's shape decides how: a compact JWS is verified locally
 * (signature, `iss`, `exp`, `nbf`; remembered in the verified-token cache), anything else is looked up
 * in the shared opaque-token store. Either way the in-memory revocation state is checked on every call.
 * Unknown, expired, revoked or malformed → null, never an error; only an unreachable Redis throws
 * (503 `temporarily_unavailable`), because "not found" would call a live opaque token dead.
 */
@Injectable()
export class LiveTokenResolver {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly verifiedTokens: VerifiedTokenCache,
    private readonly opaqueTokens: OpaqueTokenRepository,
    private readonly tokenState: TokenStateGate,
    private readonly counted: IntrospectionMetrics,
    @Inject(INTROSPECTION_CONFIG) private readonly config: IntrospectionConfig,
  ) {}

  resolve(token: string): Promise<LiveToken | null> {
    // Before the revocations are replayed a revoked token would look live: 503 instead (review #5).
    this.tokenState.assertOpen();
    return AccessTokenVerifier.looksLikeJwt(token) ? this.liveJwt(token) : this.liveOpaqueToken(token);
  }

  private async liveJwt(token: string): Promise<LiveToken | null> {
    const cached = this.verifiedTokens.get(token);
    this.counted.cacheLookup(cached !== undefined);
    const verified = cached ?? (await this.verify(token));
    if (!verified) return null;
    const live = fromJwt(verified);
    if (!live) return null;
    const revoked = this.revocations.isRevoked(revocableTokenOf(verified));
    // Checked on every call, cached or not: a revocation can arrive while a verification is cached.
    return revoked ? null : live;
  }

  private async verify(token: string): Promise<VerifiedJwt | null> {
    const verified = await this.verifier.verify(token);
    if (verified) this.verifiedTokens.remember(token, verified);
    return verified;
  }

  private async liveOpaqueToken(token: string): Promise<LiveToken | null> {
    if (!OPAQUE_TOKEN_PATTERN.test(token)) return null;
    const record = await this.opaqueTokens.find(token);
    // The store's TTL removes expired records; a record read in its last instant is still checked.
    if (!record || record.exp <= Date.now() / 1000) return null;
    // Revocation deletes the record before it answers (DESIGN §6); the stream is a second guard that
    // also covers not-before revocations of a user or client, which delete nothing in Redis.
    const revoked = this.revocations.isRevoked({
      jti: record.jti,
      grantId: record.grant_id,
      refreshTokenId: record.kind === 'refresh_token' ? record.jti : undefined,
      sessionId: record.session_id,
      sub: record.sub,
      clientId: record.client_id,
      issuedAt: record.iat,
    });
    return revoked ? null : fromOpaqueRecord(record, this.config.TESSERA_ISSUER);
  }
}

function fromOpaqueRecord(record: OpaqueTokenRecord, issuer: string): LiveToken {
  return {
    format: 'opaque',
    kind: record.kind,
    scope: record.scope,
    clientId: record.client_id,
    sub: record.sub,
    aud: record.aud,
    iss: issuer,
    exp: record.exp,
    iat: record.iat,
    jti: record.jti,
  };
}

/**
 * Only access tokens are live here: they carry `scope`, a client and a `jti`. Anything else we signed
 * (an ID token) is not an access token, and is not live at these endpoints.
 */
function fromJwt({ claims }: VerifiedJwt): LiveToken | null {
  const clientId = claims.client_id ?? claims.azp;
  const { scope, sub, aud, iss, exp, iat, nbf, jti, act } = claims;
  if (typeof clientId !== 'string' || typeof scope !== 'string' || typeof jti !== 'string') return null;
  if (typeof sub !== 'string' || aud === undefined || typeof iss !== 'string') return null;
  if (typeof exp !== 'number' || typeof iat !== 'number') return null;
  return {
    format: 'jwt',
    kind: 'access_token',
    scope,
    clientId,
    sub,
    aud,
    iss,
    exp,
    iat,
    ...(typeof nbf === 'number' ? { nbf } : {}),
    jti,
    ...(act !== undefined ? { act } : {}),
  };
}
