import { createECDH, createHash, createPrivateKey, hkdfSync, sign, type KeyObject } from 'node:crypto';
import type { PublicJwk } from '@app/contracts';

/**
 * Every kid of an introspection-response key starts with this. Such a key signs RFC 9701 answers and
 * nothing else, so a validator never trusts it for tokens (VerificationKeySet refuses these kids): an
 * introspection answer presented as an access token must not verify.
 */
export const INTROSPECTION_KEY_KID_PREFIX = 'introspection-';

export interface IntrospectionResponseKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly privateKey: KeyObject;
  /** Published in the issuer's JWKS so callers can verify signed introspection answers. */
  readonly publicJwk: PublicJwk;
}

/** Order of the P-256 group (SEC 2 §2.4.2). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const DERIVATION_INFO = 'tessera/introspection-response-signing-key/ES256/v1';

/**
 * The ES256 key that signs RFC 9701 introspection answers, derived from the deployment's
 * `TESSERA_ENCRYPTION_KEY` with HKDF-SHA256 (RFC 5869) under a label of its own. Issuance (which
 * publishes the public half in the JWKS) and every introspection instance (which signs) derive the
 * same key with no key distribution at all, and the derived key reveals nothing about the encryption
 * key. It changes when the encryption key does (a new deployment secret, a new key).
 *
 * The scalar is taken from 48 derived bytes reduced modulo n−1, plus 1 (FIPS 186-5 A.2.1), so it is
 * uniform in [1, n−1].
 */
export function deriveIntrospectionResponseKey(encryptionKeyBase64: string): IntrospectionResponseKey {
  const material = Buffer.from(
    hkdfSync('sha256', Buffer.from(encryptionKeyBase64, 'base64'), 'tessera', DERIVATION_INFO, 48),
  );
  const scalar = (BigInt(`0x${material.toString('hex')}`) % (P256_ORDER - 1n)) + 1n;
  const d = Buffer.from(scalar.toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // 0x04 ‖ X ‖ Y
  const x = point.subarray(1, 33).toString('base64url');
  const y = point.subarray(33, 65).toString('base64url');
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', x, y, d: d.toString('base64url') },
    format: 'jwk',
  });
  const kid = `${INTROSPECTION_KEY_KID_PREFIX}${thumbprint(x, y)}`;
  return {
    kid,
    alg: 'ES256',
    privateKey,
    publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' },
  };
}

/** Signs a compact JWS (RFC 7515 §7.1) with the key: ES256 signatures are R‖S (RFC 7518 §3.4). */
export function signWithIntrospectionKey(
  key: IntrospectionResponseKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ ...header, alg: key.alg, kid: key.kid })}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** RFC 7638 JWK thumbprint of a P-256 public key (members in lexicographic order, no whitespace). */
function thumbprint(x: string, y: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y }))
    .digest('base64url');
}
