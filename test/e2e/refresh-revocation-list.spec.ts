import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRevocationEvent, revocationKey, TOPICS, type RevocationTarget } from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { post, testKafka } from '@app/testing';
import { managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

const PASSWORD = 'Refresh-Revocations-9';

/**
 * Security review #8 (issue #15 §3): the refresh grant checks the revocation list issuance already
 * holds before the refresh-token row and the shared store. A revocation that reached issuance only on
 * the stream — here published by hand, so neither PostgreSQL's row nor Redis hears of it — ends the
 * refresh-token families it covers at once: a user's or a client's not-before, or the grant. (A grant
 * revocation also reaches issuance's own rows through its consumer; a not-before reaches only the list.)
 */
describe('the refresh grant honours the revocation stream', () => {
  const stack = inject('stack');
  const run = randomBytes(4).toString('hex');
  const publisher = new EventPublisher(testKafka(`e2e-refresh-${run}`, stack.brokers));
  let app: { client_id: string; client_secret: string };
  let userId: string;
  const email = `refresh-list-${run}@example.test`;
  const audience = `https://refresh-list-${run}.example.test/`;

  beforeAll(async () => {
    ({ client: app, userId } = await passwordGrantSetup(stack, await managementToken(stack), {
      label: 'Refresh list',
      run,
      audience,
      email,
      password: PASSWORD,
    }));
  });
  afterAll(async () => {
    await publisher.disconnect();
  });

  const login = async () => {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'password',
      ...app,
      username: email,
      password: PASSWORD,
      audience,
      scope: 'openid offline_access read:notes',
    });
    expect(response.status, response.text).toBe(200);
    return response.json as { access_token: string; refresh_token: string };
  };
  const refresh = (refreshToken: string) =>
    post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'refresh_token',
      ...app,
      refresh_token: refreshToken,
    });
  const publish = async (target: RevocationTarget) => {
    const event = createRevocationEvent(
      {
        target,
        expires_at: target.kind === 'grant' ? Math.floor(Date.now() / 1000) + 86_400 : null,
        reason: 'admin',
        revoked_by: { kind: 'admin', sub: `e2e-${run}` },
        revoked_at: new Date().toISOString(),
      },
      { correlationId: `e2e-refresh-${run}` },
    );
    await publisher.publish([
      { topic: TOPICS.tokensRevoked.name, key: revocationKey(target), value: JSON.stringify(event) },
    ]);
  };
  /** Refreshes (keeping the newest token of the family) until issuance refuses; how many refreshes that took. */
  const refusedWithin = async (refreshToken: string, attempts = 50) => {
    let current = refreshToken;
    for (let i = 0; i < attempts; i += 1) {
      const answer = await refresh(current);
      if (answer.status !== 200) {
        expect(answer.status).toBe(403);
        expect(answer.json).toEqual({
          error: 'invalid_grant',
          error_description: 'Unknown or invalid refresh token.',
        });
        return i;
      }
      current = answer.json.refresh_token as string;
      await new Promise((done) => setTimeout(done, 100));
    }
    return null;
  };
  const grantOf = (accessToken: string) =>
    (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { grant_id: string })
      .grant_id;

  it("a grant revoked only on the stream ends its family; the user's other families live on", async () => {
    const doomed = await login();
    const other = await login();
    await publish({ kind: 'grant', grant_id: grantOf(doomed.access_token) });
    expect(await refusedWithin(doomed.refresh_token)).not.toBeNull();
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it("a user's not-before only on the stream ends every family started before it, not a later login", async () => {
    const before = await login();
    await new Promise((done) => setTimeout(done, 1_100)); // not-befores are whole seconds
    await publish({ kind: 'subject', sub: userId, not_before: Math.floor(Date.now() / 1000) });
    expect(await refusedWithin(before.refresh_token)).not.toBeNull();
    await new Promise((done) => setTimeout(done, 1_100));
    const after = await login();
    expect((await refresh(after.refresh_token)).status).toBe(200);
  });
});
