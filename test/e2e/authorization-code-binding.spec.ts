import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { EventCollector, post, type CollectedMessage } from '@app/testing';
import { Browser, pkcePair } from './support/browser';
import {
  browserAppSetup,
  exchangeCode,
  logInThroughHostedPage,
  refreshAsApp,
  type BrowserApp,
} from './support/hosted-login';
import { managementToken } from './support/management-api';

const PASSWORD = 'Correct-Horse-7';

/**
 * Security review #21: an authorization code is marked used only once the token request matches it
 * (redirect URI and PKCE verifier, RFC 6749 §4.1.3, RFC 7636 §4.6). Someone holding a stolen code but
 * not its verifier cannot burn it for the client; a code that was already redeemed still revokes
 * everything its first use issued, whatever verifier comes with it.
 */
describe('authorization codes are checked before they are spent', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `codes-${run}@example.test`;
  let audit: EventCollector;
  let app: BrowserApp;

  beforeAll(async () => {
    audit = await EventCollector.start(stack.brokers, TOPICS.tokensIssued.name);
    ({ app } = await browserAppSetup(stack, await managementToken(stack), {
      label: 'Codes',
      run,
      email,
      password: PASSWORD,
    }));
  });

  afterAll(async () => {
    await audit?.stop();
  });

  const browser = new Browser(stack.urls.issuance, stack.issuer);
  const newCode = () =>
    logInThroughHostedPage(browser, app, { email, password: PASSWORD }, { prompt: 'login' });
  const refresh = (refreshToken: string) => refreshAsApp(stack, app, refreshToken);

  it('a wrong verifier, a missing one or a wrong redirect_uri are refused and leave the code usable', async () => {
    const { code, verifier } = await newCode();
    const attempts: { extra: Record<string, string>; description: string }[] = [
      { extra: { code_verifier: pkcePair().verifier }, description: 'Failed to verify code verifier' },
      { extra: { code_verifier: 'x'.repeat(43) }, description: 'Failed to verify code verifier' },
      { extra: { redirect_uri: `${app.callback}/other` }, description: 'Invalid redirect_uri' },
    ];
    for (const attempt of attempts) {
      const refused = await exchangeCode(stack, app, code, verifier, attempt.extra);
      expect(refused.status, refused.text).toBe(403);
      expect(refused.json).toEqual({ error: 'invalid_grant', error_description: attempt.description });
    }
    const withoutVerifier = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'authorization_code',
      client_id: app.clientId,
      code,
      redirect_uri: app.callback,
    });
    expect(withoutVerifier.status, withoutVerifier.text).toBe(403);
    expect(withoutVerifier.json.error).toBe('invalid_grant');

    // The legitimate client, with the right verifier and redirect_uri, still gets its tokens.
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    expect(tokens.json.refresh_token).toBeTruthy();
  });

  it('a code presented again after its redemption still revokes its grant, even with a wrong verifier', async () => {
    const { code, verifier } = await newCode();
    const tokens = await exchangeCode(stack, app, code, verifier);
    expect(tokens.status, tokens.text).toBe(200);
    const refreshToken = tokens.json.refresh_token as string;
    expect((await refresh(refreshToken)).status).toBe(200);

    const replay = await exchangeCode(stack, app, code, verifier, { code_verifier: pkcePair().verifier });
    expect(replay.status, replay.text).toBe(403);
    expect(replay.json).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
    const refused = await refresh(refreshToken);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error).toBe('invalid_grant');
    await audit.waitFor(
      (m: CollectedMessage) =>
        (m.value as { type?: string; payload?: { client_id?: string } }).type ===
          'authorization_code.reused' &&
        (m.value as { payload: { client_id: string } }).payload.client_id === app.clientId,
    );
  });
});
