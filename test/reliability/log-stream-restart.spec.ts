import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managementAudience } from '@app/contracts';
import { eventually, HttpReceiver, post, requestJson, startStack, type Stack } from '@app/testing';

/**
 * A log stream loses nothing when the audit service restarts (issue #17 §3, "nothing is lost when a
 * service restarts"): with the receiver down, tokens are issued, the audit service is restarted while
 * its stream keeps failing, and once the receiver is back every token's log arrives (at least once),
 * delivered by the new process from the position the old one stored.
 */
describe('a log stream across an audit restart', () => {
  let stack: Stack;
  const received: { data: { details?: { jti?: string } } }[] = [];
  const receiver = new HttpReceiver((_request, body) => {
    for (const line of body.split('\n')) if (line.trim() !== '') received.push(JSON.parse(line));
    return 200;
  });

  beforeAll(async () => {
    stack = await startStack({
      repoRoot: process.cwd(),
      basePort: Number(process.env.TESSERA_RELIABILITY_BASE_PORT ?? 4151) + 40,
      databaseUrl: process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tessera_test',
      audit: true,
      instanceSuffix: 'log-stream-restart',
      // Failing for the whole test must not suspend the stream.
      env: { TESSERA_LOG_STREAM_SUSPEND_AFTER_SECONDS: '600' },
    });
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
    await stack?.stop();
  });

  it('delivers every log issued while the receiver was down and the service restarted', async () => {
    const { urls, client, api, bootstrap, issuer } = stack.info;
    const admin = await post(`${urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: bootstrap.clientId,
      client_secret: bootstrap.clientSecret,
      audience: managementAudience(issuer),
    });
    const created = await requestJson(
      `${urls.audit}/api/v2/log-streams`,
      'POST',
      admin.json.access_token as string,
      {
        type: 'http',
        sink: { httpEndpoint: receiver.url('/logs') },
        filters: [{ type: 'category', name: 'auth.token_exchange.success' }],
      },
    );
    expect(created.status, created.text).toBe(200);

    await receiver.stop();
    const jtis: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const issued = await post(`${urls.issuance}/oauth/token`, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        audience: api.identifier,
      });
      expect(issued.status).toBe(200);
      const token = issued.json.access_token as string;
      jtis.push(
        (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the stream is failing now
    await stack.restart('audit');
    await receiver.start();

    const arrived = () => new Set(received.map((log) => log.data.details?.jti));
    await eventually(() => Promise.resolve(jtis.every((jti) => arrived().has(jti))), 30_000, 100);
    expect(jtis.filter((jti) => !arrived().has(jti))).toEqual([]);
  });
});
