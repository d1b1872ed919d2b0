import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@app/secrets';
import { CONNECTION_SECRET_BOX } from '../connections/connections.service';
import type { IdentityEntity } from '../users/identity.entity';
import type { UpstreamTokens } from '../upstream/upstream-provider';

type TokenKind = 'access_token' | 'refresh_token';

/** What `identities[]` shows to a caller with `read:user_idp_tokens`. */
export interface IdpTokens {
  readonly access_token?: string;
  readonly refresh_token?: string;
  /** Seconds the access token has left, when the provider said how long it lives. */
  readonly expires_in?: number;
}

/**
 * Seals identity-provider tokens per identity (AES-256-GCM, versioned key: SecretBox). The associated
 * data names the identity and the token kind, so a sealed value copied to another identity, or an
 * access token put in the refresh token's column, does not decrypt. The identity's key
 * (provider, user id) never changes on link or unlink, so tokens move with it still sealed.
 */
@Injectable()
export class IdpTokenVault {
  constructor(@Inject(CONNECTION_SECRET_BOX) private readonly box: SecretBox) {}

  /** The identity with `tokens` sealed in it; a refresh token the provider did not repeat is kept. */
  seal(identity: IdentityEntity, tokens: UpstreamTokens): IdentityEntity {
    return {
      ...identity,
      accessTokenSealed: this.box.encrypt(tokens.accessToken, aad(identity, 'access_token')),
      refreshTokenSealed:
        tokens.refreshToken !== undefined
          ? this.box.encrypt(tokens.refreshToken, aad(identity, 'refresh_token'))
          : identity.refreshTokenSealed,
      accessTokenExpiresAt: tokens.expiresAt,
    };
  }

  open(identity: IdentityEntity, now = new Date()): IdpTokens | null {
    if (identity.accessTokenSealed === null && identity.refreshTokenSealed === null) return null;
    const expiresAt = identity.accessTokenExpiresAt;
    return {
      ...(identity.accessTokenSealed !== null
        ? { access_token: this.box.decrypt(identity.accessTokenSealed, aad(identity, 'access_token')) }
        : {}),
      ...(identity.refreshTokenSealed !== null
        ? { refresh_token: this.box.decrypt(identity.refreshTokenSealed, aad(identity, 'refresh_token')) }
        : {}),
      ...(expiresAt !== null
        ? { expires_in: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)) }
        : {}),
    };
  }
}

function aad(identity: IdentityEntity, kind: TokenKind): string {
  return `identity:${identity.provider}|${identity.providerUserId}:${kind}`;
}
