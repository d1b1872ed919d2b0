import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { GRANT_ID_CLAIM, type SigningAlg, type UserSnapshot } from '@app/contracts';
import { randomToken } from '@app/secrets';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { profileClaims } from './profile-claims';

/** Auth0's default ID-token lifetime (10 h). */
export const ID_TOKEN_LIFETIME_SECONDS = 36_000;

export interface IdTokenRequest {
  readonly clientId: string;
  readonly alg: SigningAlg;
  readonly user: UserSnapshot;
  readonly scopes: ReadonlySet<string>;
  readonly nonce?: string;
  readonly authTime?: number;
  readonly sessionId?: string;
  /** The access token issued alongside, for `at_hash` (OIDC Core §3.1.3.6). */
  readonly accessToken?: string;
  /** The user's grant, as the `grant_id` claim (docs/adr/0009). */
  readonly grantId?: string;
  /** A bound below the default lifetime (epoch seconds): a delegated token never outlives its source. */
  readonly notAfter?: number;
  /** When set, the only profile claims released: a delegated token carries none its source lacked. */
  readonly releasedClaims?: ReadonlySet<string>;
}

export interface MintedIdToken {
  readonly token: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Signs OIDC ID tokens the way Auth0's SDK validators expect them (reference/auth0-api.md §1.1):
 * `aud` = the client id, `nonce` echoed, `auth_time` and `sid` when there was a login session, and
 * the profile claims the scope releases.
 */
@Injectable()
export class IdTokenMinter {
  constructor(
    private readonly signingKeys: SigningKeysService,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  async mint(request: IdTokenRequest): Promise<MintedIdToken> {
    const signer = await this.signingKeys.signer(request.alg);
    const jti = randomToken(16);
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = Math.min(issuedAt + ID_TOKEN_LIFETIME_SECONDS, request.notAfter ?? Infinity);
    const claims: Record<string, unknown> = {
      ...releasedOnly(profileClaims(request.user, request.scopes), request.releasedClaims),
      azp: request.clientId,
      ...(request.accessToken !== undefined
        ? { at_hash: accessTokenHash(request.accessToken, signer.alg) }
        : {}),
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      ...(request.authTime !== undefined ? { auth_time: request.authTime } : {}),
      ...(request.sessionId !== undefined ? { sid: request.sessionId } : {}),
      ...(request.grantId !== undefined ? { [GRANT_ID_CLAIM]: request.grantId } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: signer.alg, typ: 'JWT', kid: signer.kid })
      .setIssuer(this.config.TESSERA_ISSUER)
      .setSubject(request.user.user_id)
      .setAudience(request.clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(jti)
      .sign(signer.key);
    return { token, jti, issuedAt, expiresAt };
  }
}

function releasedOnly(
  claims: Record<string, unknown>,
  released: ReadonlySet<string> | undefined,
): Record<string, unknown> {
  if (!released) return claims;
  return Object.fromEntries(Object.entries(claims).filter(([name]) => released.has(name)));
}

/**
 * OIDC Core §3.1.3.6: the left half of the access token's hash, with the hash of the ID token's
 * algorithm (SHA-256 for RS256, PS256 and ES256; SHA-512 for EdDSA with Ed25519).
 */
export function accessTokenHash(accessToken: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken)
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
