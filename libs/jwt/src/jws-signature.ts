import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { PublicJwk, SigningAlg } from '@app/contracts';

/**
 * The JWS signature check (RFC 7515 §5.2, RFC 7518 §3) on node:crypto's synchronous path, with keys
 * imported once into KeyObjects. jose does the same through WebCrypto, which is async and costs ~2–3×
 * as much per verification (DESIGN §8); introspecting tokens never seen before is bound by this.
 */

/** Imports a published key for the algorithm it was made for; null when the key does not fit it. */
export function importVerificationKey(jwk: PublicJwk): KeyObject | null {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  } catch {
    return null;
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (jwk.alg) {
    case 'RS256':
    case 'PS256':
      // RFC 7518 §3.3: RSA keys of 2048 bits or more (jose refuses smaller ones too).
      return key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048 ? key : null;
    case 'ES256':
      return key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1' ? key : null;
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519' ? key : null;
  }
}

/** True when `signature` (base64url) signs `signingInput` with `key` under `alg`. Never throws. */
export function verifiesSignature(
  alg: SigningAlg,
  key: KeyObject,
  signingInput: string,
  signature: string,
): boolean {
  const signatureBytes = Buffer.from(signature, 'base64url');
  const data = Buffer.from(signingInput, 'latin1');
  try {
    switch (alg) {
      case 'RS256':
        return verify('sha256', data, key, signatureBytes);
      case 'PS256':
        // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash.
        return verify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          signatureBytes,
        );
      case 'ES256':
        // RFC 7518 §3.4: R‖S, 32 bytes each — not DER.
        return (
          signatureBytes.length === 64 &&
          verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signatureBytes)
        );
      case 'EdDSA':
        return verify(null, data, key, signatureBytes);
    }
  } catch {
    return false;
  }
}
