import { GRANT_ID_CLAIM } from '@app/contracts';
import type { VerifiedJwt } from './access-token-verifier';
import type { RevocableToken } from './revocation-list';

/**
 * What the revocation list checks, read from a verified JWT's claims (Auth0 `azp` or RFC 9068
 * `client_id`; the grant from Tessera's `grant_id` claim and the login session from `sid`, which user
 * tokens carry). Every validator reads a JWT through this one function, so none skips a check.
 */
export function revocableTokenOf(verified: VerifiedJwt): RevocableToken {
  const { jti, sub, azp, client_id: clientId, iat, sid } = verified.claims;
  const grantId = verified.claims[GRANT_ID_CLAIM];
  return {
    jti: typeof jti === 'string' ? jti : undefined,
    grantId: typeof grantId === 'string' ? grantId : undefined,
    sessionId: typeof sid === 'string' ? sid : undefined,
    sub: typeof sub === 'string' ? sub : undefined,
    clientId: typeof azp === 'string' ? azp : typeof clientId === 'string' ? clientId : undefined,
    issuedAt: typeof iat === 'number' ? iat : undefined,
    kid: verified.kid,
  };
}
