import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post, requestJson, type CollectedMessage } from '@app/testing';
import { management, managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

const PASSWORD = 'Correct-Horse-7';

/**
 * Revocation of users' tokens issued by the real `/oauth/token`: revoking a refresh token makes its
 * refresh fail with 403 `invalid_grant` and makes every access token of its grant inactive at
 * introspection; each revocation reaches an independent kafkajs consumer of the revocation stream.
 */
describe('revoking refresh tokens issued by /oauth/token', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `ada-${run}@example.test`;
  const audience = `https://revoke-users-${run}.example.test/`;
  let adminToken: string;
  let revocations: EventCollector;
  let issued: EventCollector;
  let client: { client_id: string; client_secret: string };
  let userId: string;

  beforeAll(async () => {
    adminToken = await managementToken(stack);
    revocations = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
    issued = await EventCollector.start(stack.brokers, TOPICS.tokensIssued.name);
    ({ client, userId } = await passwordGrantSetup(stack, adminToken, {
      label: 'Revoke',
      run,
      audience,
      email,
      password: PASSWORD,
    }));
  });

  afterAll(async () => {
    await Promise.all([revocations?.stop(), issued?.stop()]);
  });

  const credentials = () => ({ client_id: client.client_id, client_secret: client.client_secret });
  const login = async () => {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'password',
      username: email,
      password: PASSWORD,
      audience,
      scope: 'openid offline_access read:notes',
      ...credentials(),
    });
    expect(response.status, response.text).toBe(200);
    return response.json as { access_token: string; refresh_token: string };
  };
  const refresh = (refreshToken: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...credentials(),
    });
  const revoke = (token: string) =>
    post(`${stack.urls.revocation}/oauth/revoke`, {
      token,
      token_type_hint: 'refresh_token',
      ...credentials(),
    });
  const active = async (token: string) => {
    const response = await post(`${stack.urls.introspection}/oauth/introspect`, {
      token,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    return (response.json as { active: boolean }).active;
  };
  const onKey = (key: string) => (message: CollectedMessage) => message.key === key;

  it('revoking a rotated refresh token ends the family and every access token of the grant', async () => {
    const first = await login();
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status, rotated.text).toBe(200);
    const second = rotated.json as { access_token: string; refresh_token: string };
    expect(await active(first.access_token)).toBe(true);
    expect(await active(second.access_token)).toBe(true);

    const revoked = await revoke(second.refresh_token);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    // Right after the answer, not after some event lag (DESIGN §6).
    const refused = await refresh(second.refresh_token);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
    });
    expect((await refresh(first.refresh_token)).status).toBe(403);

    const grantEvent = await revocations.waitFor(
      (m) => (m.value as { type?: string }).type === 'grant.revoked' && m.raw.includes(client.client_id),
    );
    expect(grantEvent.value).toMatchObject({
      payload: { reason: 'client_request', revoked_by: { kind: 'client', client_id: client.client_id } },
    });
    for (const accessToken of [first.access_token, second.access_token]) {
      await revocations.waitFor(onKey(`jti:${decodeJwt(accessToken).jti as string}`));
      expect(await eventually(async () => !(await active(accessToken)), 10_000)).toBe(true);
    }
    // A grant unrelated to the revoked one is untouched.
    const other = await login();
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it("the Management API lists the user's refresh tokens and deleting them ends the refreshes", async () => {
    const listed = async () => {
      const response = await requestJson(
        `${stack.urls.revocation}/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`,
        'GET',
        adminToken,
      );
      return (response.json as { tokens: { id: string; client_id: string; rotating: boolean }[] }).tokens;
    };
    const session = await login();
    // This login's refresh token, found through its access token's grant. Not "the latest
    // refresh_token.issued of the user": an earlier test's events for the same user may still be
    // arriving, and waiting for one of those let the deletion run before the registry knew this grant.
    const { jti } = decodeJwt(session.access_token);
    const accessTokenEvent = await issued.waitFor((m) => {
      const event = m.value as { type?: string; payload?: { jti?: string } };
      return event.type === 'access_token.issued' && event.payload?.jti === jti;
    });
    const grantId = (accessTokenEvent.value as { payload: { grant_id: string } }).payload.grant_id;
    const newest = (
      await issued.waitFor((m) => {
        const event = m.value as { type?: string; payload?: { grant_id?: string } };
        return event.type === 'refresh_token.issued' && event.payload?.grant_id === grantId;
      })
    ).value as { payload: { refresh_token_id: string } };
    // The registry follows the audit stream: a user-wide deletion covers the tokens it has projected.
    const projected = async () =>
      (await listed()).some((token) => token.id === newest.payload.refresh_token_id);
    expect(await eventually(projected, 15_000, 50)).toBe(true);
    expect((await listed())[0]).toMatchObject({ client_id: client.client_id, rotating: true });

    const deleted = await requestJson(
      `${stack.urls.revocation}/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`,
      'DELETE',
      adminToken,
    );
    expect(deleted.status).toBe(202);
    // Refused at once: the grants' opaque tokens leave Redis before the 202.
    const refused = await refresh(session.refresh_token);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json).toMatchObject({ error: 'invalid_grant' });
    expect(await listed()).toEqual([]);
    expect(await eventually(async () => !(await active(session.access_token)), 10_000)).toBe(true);
  });

  it('with "revoke_refresh_token_grant" off, revoking a refresh token revokes that token only', async () => {
    const created = await management(stack, adminToken, 'POST', '/clients', {
      name: `Token-only revocation ${run}`,
      app_type: 'regular_web',
      grant_types: ['refresh_token', 'password'],
      revoke_refresh_token_grant: false,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.revoke_refresh_token_grant).toBe(false);
    const own = created.json as { client_id: string; client_secret: string };
    const ownCredentials = { client_id: own.client_id, client_secret: own.client_secret };
    // Revocation learns the setting from the clients topic.
    const revokeOwn = (token: string) =>
      post(`${stack.urls.revocation}/oauth/revoke`, { token, ...ownCredentials });
    expect(await eventually(async () => (await revokeOwn('unknown')).status === 200, 15_000, 100)).toBe(true);
    // The test before revoked this user's grants up to a whole second (a user-wide not-before covers
    // every token issued in that second, also one the registry learns of later): issue in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'password',
      username: email,
      password: PASSWORD,
      audience,
      scope: 'openid offline_access read:notes',
      ...ownCredentials,
    });
    expect(issued.status, issued.text).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = issued.json as {
      access_token: string;
      refresh_token: string;
    };
    expect((await revokeOwn(refreshToken)).status).toBe(200);
    const refused = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...ownCredentials,
    });
    expect(refused.status).toBe(403);
    const event = await revocations.waitFor(
      (m) => (m.value as { type?: string }).type === 'refresh_token.revoked' && m.raw.includes(own.client_id),
    );
    expect(event.key).toMatch(/^rt:/);
    // The access token of the grant stays active: only the refresh token was revoked.
    expect(await active(accessToken)).toBe(true);
  });
});
