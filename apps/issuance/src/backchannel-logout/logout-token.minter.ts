import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import type { SigningAlg } from '@app/contracts';
import { randomToken } from '@app/secrets';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { SigningKeysService } from '../signing-keys/signing-keys.service';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token is used at once; two minutes cover a receiver's clock and a slow network. */
const LIFETIME_SECONDS = 120;

/**
 * OIDC Back-Channel Logout 1.0 §2.4 Logout Tokens: `typ: logout+jwt`, `iss`, `aud` (the client),
 * `iat`, `exp`, `jti`, `sub` when known, `sid`, and the back-channel logout event; never a `nonce`
 * (so it can never pass for an ID token). Signed like the client's ID tokens, with the current key of
 * the client's algorithm, which the JWKS publishes.
 */
@Injectable()
export class LogoutTokenMinter {
  constructor(
    private readonly signingKeys: SigningKeysService,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  async mint(logout: {
    clientId: string;
    sessionId: string;
    sub: string | null;
    alg: SigningAlg;
  }): Promise<string> {
    const signer = await this.signingKeys.signer(logout.alg);
    const now = Math.floor(Date.now() / 1000);
    const token = new SignJWT({ sid: logout.sessionId, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
      .setProtectedHeader({ alg: signer.alg, typ: 'logout+jwt', kid: signer.kid })
      .setIssuer(this.config.TESSERA_ISSUER)
      .setAudience(logout.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + LIFETIME_SECONDS)
      .setJti(randomToken(16));
    if (logout.sub !== null) token.setSubject(logout.sub);
    return token.sign(signer.key);
  }
}
