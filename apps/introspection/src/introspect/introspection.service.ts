import { Injectable } from '@nestjs/common';
import { AccessTokenVerifier, RevocationList, type VerifiedJwt } from '@app/jwt';
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
  token_type: 'Bearer';
  act?: unknown;
};
export type IntrospectionResponse = { active: false } | ActiveIntrospection;

const INACTIVE: IntrospectionResponse = { active: false };

@Injectable()
export class IntrospectionService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly verifiedTokens: VerifiedTokenCache,
  ) {}

  async introspect(token: string): Promise<IntrospectionResponse> {
    if (!AccessTokenVerifier.looksLikeJwt(token)) return INACTIVE;
    const verified = this.verifiedTokens.get(token) ?? (await this.verify(token));
    if (!verified) return INACTIVE;
    const response = toActiveResponse(verified);
    if (!response) return INACTIVE;
    const revoked = this.revocations.isRevoked({
      jti: response.jti,
      sub: response.sub,
      clientId: response.client_id,
      issuedAt: response.iat,
      kid: verified.kid,
    });
    // Checked on every call, cached or not: a revocation can arrive while a verification is cached.
    return revoked ? INACTIVE : response;
  }

  private async verify(token: string): Promise<VerifiedJwt | null> {
    const verified = await this.verifier.verify(token);
    if (verified) this.verifiedTokens.remember(token, verified);
    return verified;
  }
}

/**
 * Only access tokens are introspected: they carry `scope`, a client (`client_id` in RFC 9068, `azp` in
 * Auth0's profile) and a `jti`. Anything else we signed (an ID token) is not an access token: inactive.
 */
function toActiveResponse({ claims }: VerifiedJwt): ActiveIntrospection | null {
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
