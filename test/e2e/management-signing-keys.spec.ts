import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post } from '@app/testing';
import { management, managementToken } from './support/management-api';

interface KeyView {
  kid: string;
  alg: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  revoked_at?: string;
}

/**
 * `/api/v2/keys/signing`: rotating while tokens are being issued loses no request, every token
 * verifies against the JWKS published afterwards, and a revoked previous key leaves the JWKS and
 * makes its tokens inactive at introspection.
 */
describe('Management API: signing keys', () => {
  const stack = inject('stack');
  let keyEvents: EventCollector;

  beforeAll(async () => {
    keyEvents = await EventCollector.start(stack.brokers, TOPICS.signingKeys.name);
  });

  afterAll(async () => {
    await keyEvents?.stop();
  });

  const issue = (audience: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
      audience,
    });

  const introspect = async (token: string) =>
    (
      await post(`${stack.urls.introspection}/oauth/introspect`, {
        token,
        client_id: stack.client.clientId,
        client_secret: stack.client.clientSecret,
      })
    ).json as { active: boolean };

  async function keys(token: string): Promise<KeyView[]> {
    const response = await management(stack, token, 'GET', '/keys/signing');
    expect(response.status).toBe(200);
    return response.json as KeyView[];
  }

  it('rotates under load without losing a request, then revokes the previous key', async () => {
    let token = await managementToken(stack);
    const before = await keys(token);
    const chain = (alg: string, list: KeyView[]) => ({
      current: list.find((key) => key.alg === alg && key.current)!,
      next: list.find((key) => key.alg === alg && key.next)!,
    });
    const rsBefore = chain('RS256', before);
    const esBefore = chain('ES256', before);
    expect(rsBefore.current && rsBefore.next && esBefore.current && esBefore.next).toBeTruthy();
    expect(before[0]).not.toHaveProperty('cert');

    // A token signed by the RS256 key that is about to become previous, for the revocation check.
    const oldToken = (await issue(stack.rfc9068Api.identifier)).json.access_token as string;
    expect(decodeProtectedHeader(oldToken).kid).toBe(rsBefore.current.kid);
    expect((await introspect(oldToken)).active).toBe(true);

    // 500 token requests, 20 in flight, both algorithms; the rotation lands in the middle.
    const total = 500;
    const inFlight = 20;
    const tokens: string[] = [];
    let failures = 0;
    let started = 0;
    let rotation: Promise<Awaited<ReturnType<typeof management>>> | null = null;
    const worker = async () => {
      while (started < total) {
        const index = started++;
        if (index === 150) rotation = management(stack, token, 'POST', '/keys/signing/rotate');
        const response = await issue(index % 2 === 0 ? stack.api.identifier : stack.rfc9068Api.identifier);
        if (response.status === 200) tokens.push(response.json.access_token as string);
        else failures++;
      }
    };
    const startedAt = Date.now();
    await Promise.all(Array.from({ length: inFlight }, worker));
    const elapsedMs = Date.now() - startedAt;
    const rotated = await rotation!;
    console.log(`rotation under load: ${total} requests in ${elapsedMs} ms, ${failures} failed`);
    expect(failures).toBe(0);
    expect(tokens).toHaveLength(total);
    expect(rotated.status).toBe(201);
    expect(rotated.json).toEqual({ kid: rsBefore.next.kid });

    // States moved one step; the old previous keys (if any) are untouched.
    const after = await keys(token);
    const byKid = new Map(after.map((key) => [key.kid, key]));
    expect(byKid.get(rsBefore.current.kid)).toMatchObject({ previous: true, current: false });
    expect(byKid.get(rsBefore.next.kid)).toMatchObject({ current: true, next: false });
    expect(byKid.get(esBefore.current.kid)).toMatchObject({ previous: true });
    expect(byKid.get(esBefore.next.kid)).toMatchObject({ current: true });
    const rsAfter = chain('RS256', after);
    expect(rsAfter.next.kid).not.toBe(rsBefore.next.kid);

    // Every token issued during the rotation verifies against the JWKS fetched now.
    const jwks = (await (
      await fetch(`${stack.urls.issuance}/.well-known/jwks.json`)
    ).json()) as JSONWebKeySet;
    const published = new Set(jwks.keys.map((key) => key.kid));
    for (const kid of [rsBefore.current.kid, rsBefore.next.kid, rsAfter.next.kid])
      expect(published).toContain(kid);
    const keySet = createLocalJWKSet(jwks);
    const results = await Promise.allSettled(
      tokens.map((issued) => jwtVerify(issued, keySet, { issuer: stack.issuer })),
    );
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(0);
    const kidsUsed = new Set(tokens.map((issued) => decodeProtectedHeader(issued).kid));
    expect(kidsUsed).toContain(rsBefore.next.kid); // this instance switched at once

    // The rotation is on the signing-keys topic: two state changes and one new key per algorithm.
    await keyEvents.waitFor(
      (m) => m.key === rsAfter.next.kid && (m.value as any)?.type === 'signing_key.created',
    );
    const promoted = await keyEvents.waitFor(
      (m) => m.key === rsBefore.next.kid && (m.value as any)?.type === 'signing_key.state_changed',
    );
    expect((promoted.value as any).payload).toMatchObject({ kid: rsBefore.next.kid, state: 'current' });

    // Only a previous key can be revoked.
    for (const kid of [rsAfter.current.kid, rsAfter.next.kid]) {
      const refused = await management(stack, token, 'PUT', `/keys/signing/${kid}/revoke`);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    const unknown = await management(stack, token, 'PUT', '/keys/signing/no-such-kid/revoke');
    expect(unknown.json).toMatchObject({ statusCode: 404, errorCode: 'inexistent_signing_key' });

    const revoked = await management(stack, token, 'PUT', `/keys/signing/${rsBefore.current.kid}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({ kid: rsBefore.current.kid });

    // The Management token we hold was signed by the key just revoked: it stops working too.
    expect((await management(stack, token, 'GET', '/keys/signing')).status).toBe(401);
    token = await managementToken(stack);
    const shown = await management(stack, token, 'GET', `/keys/signing/${rsBefore.current.kid}`);
    expect(shown.json).toMatchObject({ kid: rsBefore.current.kid, revoked: true, previous: false });
    expect(Date.parse(shown.json.revoked_at as string)).toBeGreaterThan(startedAt);

    const jwksAfter = (await (
      await fetch(`${stack.urls.issuance}/.well-known/jwks.json`)
    ).json()) as JSONWebKeySet;
    expect(jwksAfter.keys.map((key) => key.kid)).not.toContain(rsBefore.current.kid);
    await keyEvents.waitFor(
      (m) => m.key === rsBefore.current.kid && (m.value as any)?.type === 'signing_key.revoked',
    );
    expect(await eventually(async () => (await introspect(oldToken)).active === false, 10_000)).toBe(true);
    expect(await introspect(oldToken)).toEqual({ active: false });

    // Revoked for good: a second revoke is refused.
    expect(
      (await management(stack, token, 'PUT', `/keys/signing/${rsBefore.current.kid}/revoke`)).status,
    ).toBe(400);
  });
});
