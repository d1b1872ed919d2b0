import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post, startStack, type Stack } from '@app/testing';

/**
 * DESIGN §5/§9: a broker outage delays events, never loses them. With Kafka stopped, tokens are still
 * issued and revocations still succeed (they are committed to PostgreSQL with their events in the
 * outbox); when Kafka returns, every event arrives and every validator applies every revocation.
 * This restarts the shared broker, so it runs in its own project after the other tiers.
 */
const kafka = (command: 'stop' | 'start') =>
  execFileSync('bash', ['scripts/infra/kafka.sh', command], { stdio: 'pipe', timeout: 150_000 });

describe('a Kafka outage loses nothing', () => {
  let stack: Stack;
  let issued: EventCollector;
  let revoked: EventCollector;

  beforeAll(async () => {
    stack = await startStack({
      repoRoot: process.cwd(),
      basePort: Number(process.env.TESSERA_RELIABILITY_BASE_PORT ?? 4151),
      databaseUrl: process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tessera_test',
    });
    [issued, revoked] = await Promise.all([
      EventCollector.start(stack.info.brokers, TOPICS.tokensIssued.name),
      EventCollector.start(stack.info.brokers, TOPICS.tokensRevoked.name),
    ]);
  });

  afterAll(async () => {
    kafka('start'); // whatever happened, leave the broker running
    await Promise.all([issued?.stop(), revoked?.stop()]);
    await stack?.stop();
  });

  it('issues and revokes during the outage, then delivers every event and every revocation', async () => {
    const { urls, client, api } = stack.info;
    const credentials = { client_id: client.clientId, client_secret: client.clientSecret };
    const issue = async () => {
      const response = await post(`${urls.issuance}/oauth/token`, {
        grant_type: 'client_credentials',
        audience: api.identifier,
        ...credentials,
      });
      expect(response.status).toBe(200);
      return response.json.access_token as string;
    };
    const jtiOf = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

    const before = await Promise.all(Array.from({ length: 20 }, issue));
    for (const token of before) {
      expect(
        (await post(`${urls.introspection}/oauth/introspect`, { token, ...credentials })).json.active,
      ).toBe(true);
    }

    kafka('stop');
    const during = await Promise.all(Array.from({ length: 10 }, issue));
    for (const token of before) {
      const response = await post(`${urls.revocation}/oauth/revoke`, { token, ...credentials });
      expect(response.status).toBe(200);
    }
    kafka('start');

    const issuedJtis = [...before, ...during].map(jtiOf);
    const revokedKeys = before.map((token) => `jti:${jtiOf(token)}`);
    const arrived = () => ({
      issued: issuedJtis.filter((jti) => issued.messages.some((m) => (m.value as any)?.payload?.jti === jti))
        .length,
      revoked: revokedKeys.filter((key) => revoked.messages.some((m) => m.key === key)).length,
    });
    expect(
      await eventually(
        () => Promise.resolve(arrived().issued === 30 && arrived().revoked === 20),
        90_000,
        200,
      ),
    ).toBe(true);
    expect(arrived()).toEqual({ issued: 30, revoked: 20 });
    // Exactly once per revocation, even though the relay retried through the outage.
    for (const key of revokedKeys) expect(revoked.messages.filter((m) => m.key === key)).toHaveLength(1);

    // And the validators applied them: every revoked token is inactive, the others still active.
    const inactive = async (token: string) =>
      (await post(`${urls.introspection}/oauth/introspect`, { token, ...credentials })).json.active === false;
    expect(
      await eventually(async () => (await Promise.all(before.map(inactive))).every(Boolean), 60_000, 200),
    ).toBe(true);
    for (const token of during) expect(await inactive(token)).toBe(false);
  }, 300_000);
});
