import { Inject, Injectable } from '@nestjs/common';
import type { OpaqueTokenRecord } from '@app/contracts';
import { AccessTokenVerifier, RevocationList, type VerifiedJwt } from '@app/jwt';
import type { IntrospectionCaller } from '../callers/introspection-caller';
import { mayIntrospect, type IntrospectedToken } from '../callers/introspection-policy';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from '../config/introspection.config';
import { OpaqueTokenRepository } from '../opaque/opaque-token.repository';
import { VerifiedTokenCache } from './verified-token-cache';

/** RFC 7662 §2.2 response. Inactive is exactly `{ active: false }`: no hint of why. */
export type ActiveIntrospection = {
  active: true;
  scope: string;
  client_id: string;
  sub: string;
  aud: string | string[];
  iss: string;
  exp: number;
  iat: number;
  nbf?: number;
  jti: string;
  /** RFC 7662 §2.2 / RFC 6749 §7.1: access tokens are `Bearer`; refresh tokens say what they are. */
  token_type: 'Bearer' | 'refresh_token';
  act?: unknown;
};
export type IntrospectionResponse = { active: false } | ActiveIntrospection;

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * An opaque token is random text (RFC 6750 b64token characters); anything else, or anything far
 * longer than what issuance mints, is inactive without a Redis round trip.
 */
const OPAQUE_TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]{16,512}=*$/;

interface LiveToken {
  readonly response: ActiveIntrospection;
  readonly subject: IntrospectedToken;
}

@Injectable()
export class IntrospectionService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly verifiedTokens: VerifiedTokenCache,
    private readonly opaqueTokens: OpaqueTokenRepository,
    @Inject(INTROSPECTION_CONFIG) private readonly config: IntrospectionConfig,
  ) {}

  /**
   * The token's shape decides how it is checked: a compact JWS is verified locally, anything else is
   * looked up in the opaque-token store. `token_type_hint` (RFC 7662 §2.1) could only ever save the
   * wrong lookup, and the shape already avoids it, so a hint never changes the answer.
   */
  async introspect(token: string, caller: IntrospectionCaller): Promise<IntrospectionResponse> {
    const live = AccessTokenVerifier.looksLikeJwt(token)
      ? await this.liveJwt(token)
      : await this.liveOpaqueToken(token);
    if (!live || !mayIntrospect(caller, live.subject)) return INACTIVE;
    return live.response;
  }

  private async liveJwt(token: string): Promise<LiveToken | null> {
    const verified = this.verifiedTokens.get(token) ?? (await this.verify(token));
    if (!verified) return null;
    const response = jwtResponse(verified);
    if (!response) return null;
    const revoked = this.revocations.isRevoked({
      jti: response.jti,
      sub: response.sub,
      clientId: response.client_id,
      issuedAt: response.iat,
      kid: verified.kid,
    });
    // Checked on every call, cached or not: a revocation can arrive while a verification is cached.
    if (revoked) return null;
    return { response, subject: { format: 'jwt', clientId: response.client_id } };
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
      sub: record.sub,
      clientId: record.client_id,
      issuedAt: record.iat,
    });
    if (revoked) return null;
    return {
      response: opaqueResponse(record, this.config.TESSERA_ISSUER),
      subject: { format: 'opaque', clientId: record.client_id },
    };
  }
}

function opaqueResponse(record: OpaqueTokenRecord, issuer: string): ActiveIntrospection {
  return {
    active: true,
    scope: record.scope,
    client_id: record.client_id,
    sub: record.sub,
    aud: record.aud,
    iss: issuer,
    exp: record.exp,
    iat: record.iat,
    jti: record.jti,
    token_type: record.kind === 'refresh_token' ? 'refresh_token' : 'Bearer',
  };
}

/**
 * Only access tokens are introspected: they carry `scope`, a client (`client_id` in RFC 9068, `azp` in
 * Auth0's profile) and a `jti`. Anything else we signed (an ID token) is not an access token: inactive.
 */
function jwtResponse({ claims }: VerifiedJwt): ActiveIntrospection | null {
  const clientId = claims.client_id ?? claims.azp;
  const { scope, sub, aud, iss, exp, iat, nbf, jti, act } = claims;
  if (typeof clientId !== 'string' || typeof scope !== 'string' || typeof jti !== 'string') return null;
  if (typeof sub !== 'string' || aud === undefined || typeof iss !== 'string') return null;
  if (typeof exp !== 'number' || typeof iat !== 'number') return null;
  return {
    active: true,
    scope,
    client_id: clientId,
    sub,
    aud,
    iss,
    exp,
    iat,
    ...(typeof nbf === 'number' ? { nbf } : {}),
    jti,
    token_type: 'Bearer',
    ...(act !== undefined ? { act } : {}),
  };
}
