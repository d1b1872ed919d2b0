import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post, type CollectedMessage, type HttpResult } from '@app/testing';
import { management, managementToken } from './support/management-api';

/**
 * Revocations that do not start at `/oauth/revoke`: the not-before endpoint of the Management API
 * (beyond Auth0), a client deleted through issuance's Management API, and a revoked signing key. Each
 * must reach both introspection instances and the public revocation topic. The tests make clients of
 * their own, so revoking "everything of a client" never touches the stack's shared clients.
 */
describe('token revocations by client, user, client deletion and signing key', () => {
  const stack = inject('stack');
  let adminToken: string;
  let revocations: EventCollector;
  let clientEvents: EventCollector;

  beforeAll(async () => {
    adminToken = await managementToken(stack);
    [revocations, clientEvents] = await Promise.all([
      EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name),
      EventCollector.start(stack.brokers, TOPICS.clients.name),
    ]);
  });

  afterAll(async () => {
    await Promise.all([revocations?.stop(), clientEvents?.stop()]);
  });

  /** `POST /api/v2/token-revocations` on the revocation service. */
  async function revokeIssuedBefore(
    body: unknown,
    token: string | null = adminToken,
    contentType = 'application/json',
  ): Promise<HttpResult> {
    return post(
      `${stack.urls.revocation}/api/v2/token-revocations`,
      typeof body === 'string' ? body : JSON.stringify(body),
      { contentType, headers: token ? { authorization: `Bearer ${token}` } : {} },
    );
  }

  /** A client of this test's own, granted the stack's API. */
  async function newClient(name: string): Promise<{ clientId: string; clientSecret: string }> {
    const created = await management(stack, adminToken, 'POST', '/clients', {
      name,
      app_type: 'non_interactive',
    });
    expect(created.status).toBe(201);
    const clientId = created.json.client_id as string;
    const grant = await management(stack, adminToken, 'POST', '/client-grants', {
      client_id: clientId,
      audience: stack.api.identifier,
      scope: ['read:things'],
    });
    expect(grant.status).toBe(201);
    return { clientId, clientSecret: created.json.client_secret as string };
  }

  async function issue(client: { clientId: string; clientSecret: string }, audience = stack.api.identifier) {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      audience,
    });
    expect(response.status).toBe(200);
    return response.json.access_token as string;
  }

  const introspectionUrls = () => [stack.urls.introspection, stack.urls.introspection2!];

  async function activeAt(url: string, token: string): Promise<boolean> {
    const response = await post(`${url}/oauth/introspect`, {
      token,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    expect(response.status).toBe(200);
    return (response.json as { active: boolean }).active;
  }

  /** Both introspection instances report the token inactive (they apply the event on receipt). */
  async function becomesInactiveEverywhere(token: string): Promise<void> {
    for (const url of introspectionUrls()) {
      expect(await eventually(async () => !(await activeAt(url, token)), 10_000)).toBe(true);
    }
  }

  async function activeEverywhere(token: string): Promise<boolean[]> {
    return Promise.all(introspectionUrls().map((url) => activeAt(url, token)));
  }

  /** Waits until the wall clock is past `epochSeconds`, so the next token's `iat` is later. */
  async function waitUntilAfter(epochSeconds: number): Promise<void> {
    const wait = (epochSeconds + 1) * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 20));
  }

  const onKey = (key: string) => (message: CollectedMessage) => message.key === key;
  const value = (message: CollectedMessage) => message.value as Record<string, any>;

  it("revokes a client's tokens issued up to a not-before, and not the ones issued after", async () => {
    const client = await newClient('Not-before by client');
    const oldToken = await issue(client);
    expect(await activeEverywhere(oldToken)).toEqual([true, true]);

    const revoked = await revokeIssuedBefore({ client_id: client.clientId });
    expect(revoked.status).toBe(201);
    expect(revoked.json).toEqual({
      kind: 'client',
      client_id: client.clientId,
      not_before: expect.any(Number),
    });
    const notBefore = revoked.json.not_before as number;
    expect(notBefore).toBeGreaterThanOrEqual(decodeJwt(oldToken).iat!);
    expect(Math.abs(notBefore - Date.now() / 1000)).toBeLessThan(5);

    const event = value(await revocations.waitFor(onKey(`client:${client.clientId}`)));
    expect(event).toMatchObject({
      type: 'client_tokens.revoked',
      payload: {
        target: { kind: 'client', client_id: client.clientId, not_before: notBefore },
        expires_at: null,
        reason: 'admin',
        revoked_by: { kind: 'admin', sub: `${stack.bootstrap.clientId}@clients` },
      },
    });
    await becomesInactiveEverywhere(oldToken);

    await waitUntilAfter(notBefore);
    const newToken = await issue(client);
    expect(decodeJwt(newToken).iat).toBeGreaterThan(notBefore);
    expect(await activeEverywhere(newToken)).toEqual([true, true]);

    // A not-before only moves forward: an earlier one changes nothing and answers the one in force…
    const earlier = await revokeIssuedBefore({ client_id: client.clientId, not_before: notBefore - 60 });
    expect(earlier.status).toBe(201);
    expect(earlier.json).toEqual({ kind: 'client', client_id: client.clientId, not_before: notBefore });
    // …while a later one replaces it, with a new event, and takes the newer token too.
    const later = await revokeIssuedBefore({
      client_id: client.clientId,
      not_before: decodeJwt(newToken).iat,
    });
    expect(later.json).toEqual({
      kind: 'client',
      client_id: client.clientId,
      not_before: decodeJwt(newToken).iat,
    });
    await revocations.waitFor(
      (m) =>
        m.key === `client:${client.clientId}` &&
        value(m).payload.target.not_before === decodeJwt(newToken).iat,
    );
    await becomesInactiveEverywhere(newToken);
    const keyed = revocations.messages.filter(onKey(`client:${client.clientId}`));
    expect(keyed.map((m) => value(m).payload.target.not_before)).toEqual([
      notBefore,
      decodeJwt(newToken).iat,
    ]);
  });

  it("revokes a user's tokens issued up to a not-before (client-credentials sub), not later ones", async () => {
    const client = await newClient('Not-before by user');
    const userId = `${client.clientId}@clients`;
    const oldToken = await issue(client);
    expect(decodeJwt(oldToken).sub).toBe(userId);

    const revoked = await revokeIssuedBefore({ user_id: userId });
    expect(revoked.status).toBe(201);
    expect(revoked.json).toEqual({ kind: 'user', user_id: userId, not_before: expect.any(Number) });
    const notBefore = revoked.json.not_before as number;

    const event = value(await revocations.waitFor(onKey(`sub:${userId}`)));
    expect(event).toMatchObject({
      type: 'user_tokens.revoked',
      payload: { target: { kind: 'subject', sub: userId, not_before: notBefore }, reason: 'admin' },
    });
    await becomesInactiveEverywhere(oldToken);

    await waitUntilAfter(notBefore);
    expect(await activeEverywhere(await issue(client))).toEqual([true, true]);
  });

  it("deleting a client through issuance's Management API revokes its tokens", async () => {
    const client = await newClient('Deleted with its tokens');
    const token = await issue(client);
    expect(await activeEverywhere(token)).toEqual([true, true]);

    const deleted = await management(stack, adminToken, 'DELETE', `/clients/${client.clientId}`);
    expect(deleted.status).toBe(204);
    const deletion = value(
      await clientEvents.waitFor((m) => m.key === client.clientId && value(m).type === 'client.deleted'),
    );

    const event = value(await revocations.waitFor(onKey(`client:${client.clientId}`)));
    expect(event).toMatchObject({
      type: 'client_tokens.revoked',
      causation_id: deletion.id,
      correlation_id: deletion.correlation_id,
      payload: {
        target: {
          kind: 'client',
          client_id: client.clientId,
          not_before: Math.floor(Date.parse(deletion.occurred_at as string) / 1000),
        },
        expires_at: null,
        reason: 'client_deleted',
        revoked_by: { kind: 'system' },
      },
    });
    await becomesInactiveEverywhere(token);
  });

  it('a revoked signing key becomes a revocation on the revocation topic', async () => {
    type KeyView = { kid: string; alg: string; current: boolean; previous: boolean };
    const listKeys = async () =>
      (await management(stack, adminToken, 'GET', '/keys/signing')).json as KeyView[];
    const signedBefore = await issue(stack.client, stack.rfc9068Api.identifier);
    const oldKid = decodeProtectedHeader(signedBefore).kid!;

    for (let rotation = 0; rotation < 2; rotation++) {
      expect((await management(stack, adminToken, 'POST', '/keys/signing/rotate')).status).toBe(201);
    }
    const previous = (await listKeys()).find((key) => key.kid === oldKid);
    expect(previous).toMatchObject({ previous: true, current: false });

    const revoked = await management(stack, adminToken, 'PUT', `/keys/signing/${oldKid}/revoke`);
    expect(revoked.status).toBe(200);

    const event = value(await revocations.waitFor(onKey(`kid:${oldKid}`)));
    expect(event).toMatchObject({
      type: 'signing_key.revoked',
      payload: {
        target: { kind: 'signing_key', kid: oldKid },
        expires_at: null,
        reason: 'signing_key_revoked',
        revoked_by: { kind: 'system' },
      },
    });
    expect(event.causation_id).toEqual(expect.any(String));
    await becomesInactiveEverywhere(signedBefore);
    // The Management token in hand may have been signed by the key just revoked.
    adminToken = await managementToken(stack);
  });

  it('answers bad input with the Management API errors, never a 500', async () => {
    const missing = await revokeIssuedBefore({ client_id: 'c' }, null);
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ statusCode: 401, message: 'Missing authentication' });

    // An API access token is not a Management API token.
    const apiToken = await issue(stack.client);
    expect((await revokeIssuedBefore({ client_id: 'c' }, apiToken)).json).toMatchObject({
      statusCode: 401,
      message: 'Bad audience',
    });

    const narrow = await managementToken(stack, stack.bootstrap, 'read:clients');
    const forbidden = await revokeIssuedBefore({ client_id: 'c' }, narrow);
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({
      statusCode: 403,
      errorCode: 'insufficient_scope',
      message: 'Insufficient scope; expected any of: create:token_revocations.',
    });

    const now = Math.floor(Date.now() / 1000);
    const invalidBodies: [unknown, RegExp][] = [
      [{}, /Exactly one of client_id or user_id/],
      [{ client_id: 'a', user_id: 'b' }, /Exactly one of client_id or user_id/],
      [{ client_id: '' }, /client_id/],
      [{ client_id: 42 }, /client_id/],
      [{ client_id: 'a', extra: true }, /Additional properties not allowed: extra/],
      [{ client_id: 'a', not_before: now + 3600 }, /not_before must not be in the future/],
      [{ client_id: 'a', not_before: '2024-01-01' }, /not_before/],
      [{ client_id: 'a', not_before: 1.5 }, /not_before/],
      [{ user_id: 'a', not_before: -1 }, /not_before/],
      ['{"client_id":', /Invalid JSON/],
      ['[]', /JSON object/],
    ];
    for (const [body, message] of invalidBodies) {
      const response = await revokeIssuedBefore(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        errorCode: 'invalid_body',
      });
      expect(response.json.message).toMatch(message);
    }
    const form = await revokeIssuedBefore('client_id=a', adminToken, 'application/x-www-form-urlencoded');
    expect(form.json).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
  });
});
