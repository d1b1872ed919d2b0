import type { SigningAlg } from '@app/contracts';
import type { SigningKeyEntity } from './signing-key.entity';

/**
 * A signing key as `GET /api/v2/keys/signing` shows it. Auth0's objects also carry `cert`, `pkcs7`,
 * `fingerprint` and `thumbprint`, all derived from an X.509 certificate; Tessera publishes bare JWKs
 * and makes no certificates, so those fields are absent rather than invented. `alg` is Tessera's own
 * addition: it keeps one key chain per algorithm (RS256 and ES256).
 */
export interface SigningKeyView {
  kid: string;
  alg: SigningAlg;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  current_since?: string;
  current_until?: string;
  revoked_at?: string;
}

export function toSigningKeyView(key: SigningKeyEntity): SigningKeyView {
  return {
    kid: key.kid,
    alg: key.alg,
    current: key.state === 'current',
    next: key.state === 'next',
    previous: key.state === 'previous',
    revoked: key.state === 'revoked',
    ...(key.currentSince ? { current_since: key.currentSince.toISOString() } : {}),
    ...(key.currentUntil ? { current_until: key.currentUntil.toISOString() } : {}),
    ...(key.revokedAt ? { revoked_at: key.revokedAt.toISOString() } : {}),
  };
}
