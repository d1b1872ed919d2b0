/**
 * Auth0's per-client refresh-token settings (reference/auth0-api.md §1.4), stored as given and
 * enforced by the refresh-token grant.
 */
export interface RefreshTokenSettings {
  readonly rotation_type: 'rotating' | 'non-rotating';
  readonly expiration_type: 'expiring' | 'non-expiring';
  /** Seconds during which the previous rotating token may be exchanged again. */
  readonly leeway: number;
  readonly token_lifetime: number;
  readonly idle_token_lifetime: number;
  readonly infinite_token_lifetime: boolean;
  readonly infinite_idle_token_lifetime: boolean;
}

/** Auth0's defaults for a client that never set them: non-rotating, non-expiring, 30 d / 15 d. */
export const DEFAULT_REFRESH_TOKEN_SETTINGS: RefreshTokenSettings = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  idle_token_lifetime: 1_296_000,
  infinite_token_lifetime: true,
  infinite_idle_token_lifetime: true,
};

/** A public key registered for `private_key_jwt` client authentication (Auth0 "credentials"). */
export interface ClientPublicKey {
  readonly id: string;
  readonly name: string;
  readonly credential_type: 'public_key';
  readonly alg: 'RS256' | 'RS384' | 'PS256';
  /** SPKI PEM as registered (public material). */
  readonly pem: string;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url): how a client assertion's key is matched. */
  readonly thumbprint: string;
  readonly created_at: string;
}
