import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { basicAuth, eventually, EventCollector, post } from '@app/testing';

/**
 * The first vertical slice, end to end on the real services: a client-credentials JWT is issued,
 * introspected as active by both introspection instances, revoked, and then inactive everywhere; the
 * issuance and revocation events are read by an independent kafkajs consumer and carry no token.
 */
describe('token lifecycle: issue → introspect → revoke → inactive', () => {
  const stack = inject('stack');
  let issued: EventCollector;
  let revoked: EventCollector;

  beforeAll(async () => {
    [issued, revoked] = await Promise.all([
      EventCollector.start(stack.brokers, TOPICS.tokensIssued.name),
      EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name),
    ]);
  });

  afterAll(async () => {
    await Promise.all([issued?.stop(), revoked?.stop()]);
  });

  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };

  async function issueToken(): Promise<string> {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    expect(response.status).toBe(200);
    return response.json.access_token as string;
  }

  async function introspect(url: string, token: string) {
    const response = await post(`${url}/oauth/introspect`, { token, ...credentials });
    expect(response.status).toBe(200);
    return response.json;
  }

  it('walks one token through all services and both public topics', async () => {
    // 1. Issue (client_secret_post, form body).
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86400,
      scope: 'read:things write:things',
    });
    const token = response.json.access_token as string;

    // 2. It verifies against the published JWKS, as any resource server would check it.
    const jwks = createRemoteJWKSet(new URL(`${stack.urls.issuance}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: stack.issuer,
      audience: stack.api.identifier,
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: `${stack.client.clientId}@clients`,
      azp: stack.client.clientId,
      gty: 'client-credentials',
      scope: 'read:things write:things',
    });
    const jti = payload.jti!;
    expect(jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    // 3. Both introspection instances say active, with the claims.
    for (const url of [stack.urls.introspection, stack.urls.introspection2!]) {
      expect(await introspect(url, token)).toEqual({
        active: true,
        scope: 'read:things write:things',
        client_id: stack.client.clientId,
        sub: `${stack.client.clientId}@clients`,
        aud: stack.api.identifier,
        iss: stack.issuer,
        exp: payload.exp,
        iat: payload.iat,
        jti,
        token_type: 'Bearer',
      });
    }

    // 4. The audit stream carries the issuance, keyed by grant, with identifiers only.
    const issuedEvent = await issued.waitFor((message) => (message.value as any)?.payload?.jti === jti);
    expect(issuedEvent.value).toMatchObject({
      type: 'access_token.issued',
      version: 1,
      payload: {
        client_id: stack.client.clientId,
        grant_type: 'client_credentials',
        log_type: 'seccft',
        kid: protectedHeader.kid,
      },
    });
    expect(issuedEvent.key).toBe((issuedEvent.value as any).payload.grant_id);

    // 5. Revoke: 200, empty body, committed before the answer.
    const revocation = await post(`${stack.urls.revocation}/oauth/revoke`, { token, ...credentials });
    expect(revocation.status).toBe(200);
    expect(revocation.text).toBe('');

    // 6. The revocation stream carries it, keyed by the target.
    const revokedEvent = await revoked.waitFor((message) => message.key === `jti:${jti}`);
    expect(revokedEvent.value).toMatchObject({
      type: 'access_token.revoked',
      payload: {
        target: { kind: 'jti', jti },
        expires_at: payload.exp,
        reason: 'client_request',
        revoked_by: { kind: 'client', client_id: stack.client.clientId },
      },
    });

    // 7. Both introspection instances now say exactly {"active": false}.
    for (const url of [stack.urls.introspection, stack.urls.introspection2!]) {
      expect(await eventually(async () => (await introspect(url, token)).active === false)).toBe(true);
      expect(await introspect(url, token)).toEqual({ active: false });
    }

    // 8. No event anywhere contains a token.
    for (const message of [...issued.messages, ...revoked.messages]) {
      expect(message.raw).not.toContain(token);
      expect(message.raw).not.toContain(token.split('.')[2]);
    }
  });

  it('accepts client_secret_basic with a JSON body, and the RFC 9068 dialect per API', async () => {
    const response = await post(
      `${stack.urls.issuance}/oauth/token`,
      JSON.stringify({ grant_type: 'client_credentials', audience: stack.rfc9068Api.identifier }),
      { headers: { authorization: basicAuth(stack.client.clientId, stack.client.clientSecret) } },
    );
    expect(response.status).toBe(200);
    const token = response.json.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const jwks = createRemoteJWKSet(new URL(`${stack.urls.issuance}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, {
      issuer: stack.issuer,
      audience: stack.rfc9068Api.identifier,
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ client_id: stack.client.clientId, scope: 'read:things' });
    expect(payload.gty).toBeUndefined();
    expect((await introspect(stack.urls.introspection, token)).active).toBe(true);
  });

  it('narrows scope on request and refuses scopes that were not granted', async () => {
    const narrowed = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      scope: 'read:things',
      ...credentials,
    });
    expect(narrowed.json.scope).toBe('read:things');
    const refused = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      scope: 'read:things delete:everything',
      ...credentials,
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      error: 'access_denied',
      error_description: 'Client has not been granted scopes: delete:everything',
    });
  });

  it("leaves another client's token untouched when that client revokes it (still 200)", async () => {
    const token = await issueToken();
    const response = await post(`${stack.urls.revocation}/oauth/revoke`, {
      token,
      client_id: stack.otherClient.clientId,
      client_secret: stack.otherClient.clientSecret,
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await introspect(stack.urls.introspection, token)).active).toBe(true);
  });

  it('revoking twice records one revocation and emits one event', async () => {
    const token = await issueToken();
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    for (let i = 0; i < 2; i++) {
      expect((await post(`${stack.urls.revocation}/oauth/revoke`, { token, ...credentials })).status).toBe(
        200,
      );
    }
    await revoked.waitFor((message) => message.key === `jti:${jti}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(revoked.messages.filter((message) => message.key === `jti:${jti}`)).toHaveLength(1);
  });
});
