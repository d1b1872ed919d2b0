import { randomBytes } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { publicJwk } from '@app/contracts';
import {
  deriveIntrospectionResponseKey,
  INTROSPECTION_KEY_KID_PREFIX,
  signWithIntrospectionKey,
} from './introspection-response-key';
import { VerificationKeySet } from './verification-key-set';

describe('introspection-response key', () => {
  const secret = randomBytes(32).toString('base64');

  it('is the same key wherever it is derived from the same secret, and another for another secret', () => {
    const a = deriveIntrospectionResponseKey(secret);
    const b = deriveIntrospectionResponseKey(secret);
    const other = deriveIntrospectionResponseKey(randomBytes(32).toString('base64'));
    expect(b.publicJwk).toEqual(a.publicJwk);
    expect(other.publicJwk.kid).not.toBe(a.kid);
    expect(a.kid.startsWith(INTROSPECTION_KEY_KID_PREFIX)).toBe(true);
    // What issuance publishes passes the JWKS contract (no private member).
    expect(publicJwk.parse(a.publicJwk)).toEqual(a.publicJwk);
  });

  it('signs a JWS that verifies with the published public key alone', async () => {
    const key = deriveIntrospectionResponseKey(secret);
    const jws = signWithIntrospectionKey(key, { typ: 'token-introspection+jwt' }, { iss: 'https://i.test/' });
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key.publicJwk, 'ES256'));
    expect(protectedHeader).toEqual({ typ: 'token-introspection+jwt', alg: 'ES256', kid: key.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ iss: 'https://i.test/' });
  });

  it('is never trusted as a token-signing key', () => {
    const keys = new VerificationKeySet();
    keys.trust(deriveIntrospectionResponseKey(secret).publicJwk);
    expect(keys.size).toBe(0);
  });
});
