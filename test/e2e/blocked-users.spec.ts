import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, type CollectedMessage } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { Browser } from './support/browser';
import {
  authorizeRequest,
  browserAppSetup,
  callbackParams,
  exchangeCode,
  logInThroughHostedPage,
  refreshAsApp,
  silentAuthorize,
  type BrowserApp,
} from './support/hosted-login';
import { managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';
const NEW_PASSWORD = 'Battery-Staple-8';

type RevocationEvent = { type?: string; payload?: { reason?: string; target?: Record<string, unknown> } };

/**
 * Security review #2: blocking a user (`PATCH /api/v2/users/{id}` `{"blocked": true}`) ends their
 * SSO, their codes and their grants, through the revocation stream with the reason `user_blocked`;
 * a password change ends their sessions and refresh tokens (`password_changed`).
 */
describe('blocked users and changed passwords', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  let adminToken: string;
  let revocations: EventCollector;

  beforeAll(async () => {
    adminToken = await managementToken(stack);
    revocations = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
  });

  afterAll(async () => {
    await revocations?.stop();
  });

  const event = (message: CollectedMessage) => message.value as RevocationEvent;
  const patchUser = async (userId: string, body: Record<string, unknown>) => {
    const response = await accountLinking(
      stack,
      adminToken,
      'PATCH',
      `/api/v2/users/${encodeURIComponent(userId)}`,
      body,
    );
    expect(response.status, response.text).toBe(200);
  };
  const refresh = (app: BrowserApp, refreshToken: string) => refreshAsApp(stack, app, refreshToken);
  /** A user logged in through the hosted page, with their first tokens and their browser. */
  const loggedInUser = async (label: string) => {
    const email = `${label.toLowerCase()}-${run}@example.test`;
    const { app, userId } = await browserAppSetup(stack, adminToken, {
      label,
      run,
      email,
      password: PASSWORD,
    });
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const { code, verifier } = await logInThroughHostedPage(browser, app, { email, password: PASSWORD });
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const refreshToken = tokens.json.refresh_token as string;
    expect(refreshToken).toBeTruthy();
    return { app, userId, email, browser, cookie: browser.cookie('tessera_session')!, refreshToken };
  };

  it('blocking: /authorize answers access_denied, an earlier code and the refresh token fail, the revocations say user_blocked', async () => {
    const { app, userId, browser, cookie, refreshToken } = await loggedInUser('Blocked');
    // A code the SSO gives before the block, not exchanged yet.
    const request = authorizeRequest(app, { prompt: 'none' });
    const before = await browser.get(request.path);
    const codeBeforeBlock = callbackParams(app, before.location).get('code')!;
    expect(codeBeforeBlock).toBeTruthy();

    await patchUser(userId, { blocked: true });

    // A subject not-before, then the user's session and grant, all for the one account event.
    const userWide = await revocations.waitFor(
      (m) => event(m).type === 'user_tokens.revoked' && event(m).payload?.target?.sub === userId,
    );
    expect(event(userWide).payload).toMatchObject({ reason: 'user_blocked', revoked_by: { kind: 'system' } });
    const cause = (m: CollectedMessage) => (m.value as { causation_id?: string }).causation_id;
    for (const type of ['session.revoked', 'grant.revoked']) {
      const revoked = await revocations.waitFor(
        (m) => event(m).type === type && cause(m) === cause(userWide),
      );
      expect(event(revoked).payload).toMatchObject({ reason: 'user_blocked' });
    }

    // The session cookie gets Auth0's answer for a blocked user, at the client's callback.
    const deniedSilently = async () =>
      (await silentAuthorize(stack, app, cookie)).get('error') === 'access_denied';
    expect(await eventually(deniedSilently, 15_000, 100)).toBe(true);
    const denied = callbackParams(app, (await browser.get(authorizeRequest(app).path)).location);
    expect(denied.get('code')).toBeNull();
    expect(denied.get('error')).toBe('access_denied');
    expect(denied.get('error_description')).toBe('user is blocked');
    expect(denied.get('state')).toBe('st');

    // The code obtained before the block gives nothing, nor does the refresh token.
    const exchanged = await exchangeCode(stack, app, codeBeforeBlock, request.verifier);
    expect(exchanged.status, exchanged.text).toBe(403);
    expect(exchanged.json.error).toBe('invalid_grant');
    const refused = await refresh(app, refreshToken);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error).toBe('invalid_grant');
  });

  it('a password change ends the sessions and refresh tokens from before it, not the logins after it', async () => {
    const { app, userId, email, cookie, refreshToken } = await loggedInUser('Repassword');
    expect((await silentAuthorize(stack, app, cookie)).get('code')).toBeTruthy();

    await patchUser(userId, { password: NEW_PASSWORD });

    const userWide = await revocations.waitFor(
      (m) => event(m).type === 'user_tokens.revoked' && event(m).payload?.target?.sub === userId,
    );
    expect(event(userWide).payload).toMatchObject({ reason: 'password_changed' });
    const refused = await refresh(app, refreshToken);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error).toBe('invalid_grant');
    const loggedOut = async () =>
      (await silentAuthorize(stack, app, cookie)).get('error') === 'login_required';
    expect(await eventually(loggedOut, 15_000, 100)).toBe(true);

    // Not-befores are whole seconds: a login in a later second is untouched by the change.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const browser = new Browser(stack.urls.issuance, stack.issuer);
    const { code, verifier } = await logInThroughHostedPage(browser, app, { email, password: NEW_PASSWORD });
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    expect((await refresh(app, tokens.json.refresh_token as string)).status).toBe(200);
    expect((await silentAuthorize(stack, app, browser.cookie('tessera_session')!)).get('code')).toBeTruthy();
  });
});
