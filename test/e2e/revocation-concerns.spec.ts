import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, requestJson, type CollectedMessage } from '@app/testing';
import { Browser } from './support/browser';
import { browserAppSetup, exchangeCode, logInThroughHostedPage, refreshAsApp } from './support/hosted-login';
import { management, managementToken } from './support/management-api';

const PASSWORD = 'Concerns-Password-4';

interface Revocation {
  type: string;
  payload: {
    target: Record<string, string>;
    sub?: string;
    client_id?: string;
    aud?: string[];
    grant_id?: string;
    session_id?: string;
  };
}

/**
 * Issue #16 §1 on the real stack: revocation events say whom they affect (payload 1.1 — `sub`,
 * `client_id`, `aud`, `grant_id`, `session_id` beside the target, where the registry knows them), so
 * a subscriber needs no join with the audit stream. Before this, a `grant.revoked` after refresh-token
 * reuse carried the grant id and nothing else.
 */
describe('revocation events name whom they affect', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `concerns-${run}@example.test`;
  const audience = `https://concerns-${run}.example.test/`;
  let admin: string;
  let app: Awaited<ReturnType<typeof browserAppSetup>>['app'];
  let userId: string;
  let revoked: EventCollector;

  beforeAll(async () => {
    admin = await managementToken(stack);
    ({ app, userId } = await browserAppSetup(stack, admin, {
      label: 'Concerns',
      run,
      email,
      password: PASSWORD,
    }));
    revoked = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
    // An API, so the access tokens are JWTs (their revocations are jti revocations on the stream).
    const api = await management(stack, admin, 'POST', '/resource-servers', {
      identifier: audience,
      name: `Concerns API ${run}`,
      allow_offline_access: true,
    });
    expect(api.status, api.text).toBe(201);
    // Rotating refresh tokens without leeway, so presenting a rotated one again is reuse.
    const rotating = await management(stack, admin, 'PATCH', `/clients/${app.clientId}`, {
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0 },
    });
    expect(rotating.status, rotating.text).toBe(200);
  });
  afterAll(async () => {
    await revoked?.stop();
  });

  /** A browser login: its tokens, grant and session. */
  const logIn = async (browser = new Browser(stack.urls.issuance, stack.issuer)) => {
    const { code, verifier } = await logInThroughHostedPage(
      browser,
      app,
      { email, password: PASSWORD },
      { audience },
    );
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const claims = decodeJwt(tokens.json.id_token as string);
    return {
      cookie: browser.cookie('tessera_session'),
      accessToken: tokens.json.access_token as string,
      refreshToken: tokens.json.refresh_token as string,
      grantId: decodeJwt(tokens.json.access_token as string).grant_id as string,
      sessionId: claims.sid as string,
    };
  };
  const revocationOf = async (kind: string, field: string, value: string) =>
    (
      await revoked.waitFor((message: CollectedMessage) => {
        const event = message.value as Revocation | null;
        return event?.payload.target.kind === kind && event.payload.target[field] === value;
      })
    ).value as Revocation;
  const expectNamesUserAndClient = (event: Revocation, grantId?: string) => {
    expect(event.payload).toMatchObject({ sub: userId, client_id: app.clientId });
    if (grantId !== undefined) expect(event.payload.grant_id).toBe(grantId);
  };

  it('refresh-token reuse: the grant revocation names the user, the client and the session', async () => {
    const { refreshToken, accessToken, cookie, grantId, sessionId } = await logIn();
    expect((await refreshAsApp(stack, app, refreshToken)).status).toBe(200);
    expect((await refreshAsApp(stack, app, refreshToken)).status).toBe(403); // reuse
    const event = await revocationOf('grant', 'grant_id', grantId);
    expect(event.type).toBe('grant.revoked');
    expectNamesUserAndClient(event, grantId);
    expect(event.payload.session_id).toBe(sessionId);
    expect(event.payload.aud).toContain(audience);
    // Identifiers only: no token and no session cookie value goes with them (the session id is public).
    expect(cookie).toBeTruthy();
    const published = JSON.stringify(revoked.messages.map((message) => message.value));
    for (const secret of [refreshToken, accessToken, cookie!]) expect(published).not.toContain(secret);
  });

  it("a session deletion: the session's revocation names its user, each grant's its user and client", async () => {
    const { grantId, sessionId } = await logIn();
    const sessionsApi = (method: 'GET' | 'DELETE') =>
      requestJson(`${stack.urls.revocation}/api/v2/sessions/${sessionId}`, method, admin);
    expect(await eventually(async () => (await sessionsApi('GET')).status === 200, 15_000, 50)).toBe(true);
    expect((await sessionsApi('DELETE')).status).toBe(202);
    const session = await revocationOf('session', 'session_id', sessionId);
    expect(session.payload).toMatchObject({ sub: userId, session_id: sessionId });
    const grant = await revocationOf('grant', 'grant_id', grantId);
    expectNamesUserAndClient(grant, grantId);
    expect(grant.payload.session_id).toBe(sessionId);
  });

  it("DELETE /api/v2/users/{id}/refresh-tokens: every grant revocation, and its tokens', name the user and the client", async () => {
    const { grantId } = await logIn();
    // The registry knows the grant once the audit stream has brought it.
    const listed = async () =>
      (
        await requestJson(
          `${stack.urls.revocation}/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`,
          'GET',
          admin,
        )
      ).json as { tokens?: Array<{ session_id?: string }> } | Array<unknown>;
    expect(
      await eventually(async () => JSON.stringify(await listed()).includes(app.clientId), 15_000, 50),
    ).toBe(true);
    const deleted = await requestJson(
      `${stack.urls.revocation}/api/v2/users/${encodeURIComponent(userId)}/refresh-tokens`,
      'DELETE',
      admin,
    );
    expect(deleted.status, deleted.text).toBe(202);
    const grant = await revocationOf('grant', 'grant_id', grantId);
    expectNamesUserAndClient(grant, grantId);
    // The grant's JWT access token is revoked by jti too, and says whose it was.
    const jti = (
      await revoked.waitFor((message: CollectedMessage) => {
        const event = message.value as Revocation | null;
        return event?.payload.target.kind === 'jti' && event.payload.grant_id === grantId;
      })
    ).value as Revocation;
    expect(jti.payload).toMatchObject({ sub: userId, client_id: app.clientId, grant_id: grantId });
    expect(jti.payload.aud).toContain(audience);
  });
});
