import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { post } from '@app/testing';
import { managementToken } from './support/management-api';

const MEDIA_TYPE = 'application/token-introspection+jwt';

/**
 * RFC 9701: with `Accept: application/token-introspection+jwt` the introspection answer comes back as
 * a JWT signed with a key from the issuer's own JWKS, and says the same as the JSON answer.
 */
describe('introspection: signed answers (RFC 9701)', () => {
  const stack = inject('stack');
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  let token: string;
  let keys: ReturnType<typeof createLocalJWKSet>;

  beforeAll(async () => {
    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    token = issued.json.access_token as string;
    const jwks = (await (
      await fetch(`${stack.urls.issuance}/.well-known/jwks.json`)
    ).json()) as JSONWebKeySet;
    keys = createLocalJWKSet(jwks);
  });

  async function signedAnswer(body: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await post(`${stack.urls.introspection}/oauth/introspect`, body, {
      headers: { accept: MEDIA_TYPE, ...headers },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/token-introspection\+jwt/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return response.text;
  }

  it('signs the same answer as the JSON one, for the calling client, verifiable from the JWKS', async () => {
    const plain = await post(`${stack.urls.introspection}/oauth/introspect`, { token, ...credentials });
    expect(plain.json).toMatchObject({ active: true });
    for (const instance of [stack.urls.introspection, stack.urls.introspection2!]) {
      const jwt = await post(
        `${instance}/oauth/introspect`,
        { token, ...credentials },
        { headers: { accept: MEDIA_TYPE } },
      );
      const { payload, protectedHeader } = await jwtVerify(jwt.text, keys, {
        issuer: stack.issuer,
        audience: stack.client.clientId,
        typ: 'token-introspection+jwt',
        algorithms: ['ES256'],
      });
      expect(protectedHeader.typ).toBe('token-introspection+jwt');
      expect(payload.token_introspection).toEqual(plain.json);
      expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(30);
    }
  });

  it('signs inactive answers too, and accepts the media type among others and with parameters', async () => {
    const jwt = await signedAnswer(
      { token: 'junk', ...credentials },
      { accept: `application/json;q=0.5, ${MEDIA_TYPE};charset=utf-8` },
    );
    const { payload } = await jwtVerify(jwt, keys, { issuer: stack.issuer, audience: stack.client.clientId });
    expect(payload.token_introspection).toEqual({ active: false });
  });

  it('answers plain JSON when the media type is not asked for, or refused with q=0', async () => {
    for (const accept of ['application/json', '*/*', `${MEDIA_TYPE};q=0`]) {
      const response = await post(
        `${stack.urls.introspection}/oauth/introspect`,
        { token, ...credentials },
        { headers: { accept } },
      );
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toMatchObject({ active: true });
    }
  });

  it('keeps errors as RFC 7662 JSON errors', async () => {
    const response = await post(
      `${stack.urls.introspection}/oauth/introspect`,
      { token, client_id: stack.client.clientId, client_secret: 'wrong' },
      { headers: { accept: MEDIA_TYPE } },
    );
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_client' });
  });

  it('signs for a Management token caller with its client as audience', async () => {
    const admin = await managementToken(stack);
    const jwt = await signedAnswer({ token }, { authorization: `Bearer ${admin}` });
    const { payload } = await jwtVerify(jwt, keys, {
      issuer: stack.issuer,
      audience: stack.bootstrap.clientId,
    });
    expect(payload.token_introspection).toMatchObject({ active: true });
  });

  it('never accepts a signed answer, nor anything signed with its key, as an access token', async () => {
    const jwt = await signedAnswer({ token, ...credentials });
    expect(decodeProtectedHeader(jwt).kid).toMatch(/^introspection-/);
    for (const instance of [stack.urls.introspection, stack.urls.introspection2!]) {
      const response = await post(`${instance}/oauth/introspect`, { token: jwt, ...credentials });
      expect(response.json).toEqual({ active: false });
    }
  });

  it('announces the signing algorithm in the discovery document', async () => {
    const discovery = (await (
      await fetch(`${stack.urls.issuance}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery.introspection_signing_alg_values_supported).toEqual(['ES256']);
  });
});
