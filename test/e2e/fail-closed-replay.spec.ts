import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, post, type RunningService } from '@app/testing';
import { extraInstancePort, startExtraIntrospection } from './support/extra-introspection';

/**
 * Security review #5 (issue #15 §1) on the real broker: a freshly started introspection instance
 * never calls a revoked token active. Until it has replayed the revocation, key and client topics it
 * answers `503 temporarily_unavailable` with `Retry-After`; the test polls it from the first
 * connection it accepts and counts every answer.
 */
describe('a starting validator fails closed until it has replayed the revocations', () => {
  const stack = inject('stack');
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  const port = extraInstancePort(stack, 'failClosed');
  let instance: RunningService | undefined;

  afterAll(async () => {
    await instance?.stop();
  });

  const issue = async () => {
    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    expect(issued.status).toBe(200);
    return issued.json.access_token as string;
  };
  const introspect = (url: string, token: string) =>
    post(`${url}/oauth/introspect`, { token, ...credentials });

  let revoked: string[];
  let live: string;
  beforeAll(async () => {
    revoked = await Promise.all(Array.from({ length: 20 }, issue));
    live = await issue();
    for (const token of revoked) {
      expect((await post(`${stack.urls.revocation}/oauth/revoke`, { token, ...credentials })).status).toBe(
        200,
      );
    }
    // Every revocation is on the topic (the running instance has applied them all).
    const allInactive = async () =>
      (await Promise.all(revoked.map((token) => introspect(stack.urls.introspection, token)))).every(
        (answer) => answer.json.active === false,
      );
    expect(await eventually(allInactive, 15_000)).toBe(true);
  });

  it('answers 503 with Retry-After, never active: true, from its first accepted connection until it is current', async () => {
    const url = `http://127.0.0.1:${port}`;
    const counts = { refused: 0, unavailable: 0, inactive: 0, activeRevoked: 0, other: 0 };
    let retryAfterMissing = 0;
    let started = false;
    const starting = startExtraIntrospection(stack, { name: 'fail-closed', port: 'failClosed' }).then(
      (running) => {
        instance = running;
        started = true;
      },
    );
    const poll = async (offset: number) => {
      for (let i = offset; !started; i += 1) {
        const token = revoked[i % revoked.length]!;
        let answer: Awaited<ReturnType<typeof introspect>>;
        try {
          answer = await introspect(url, token);
        } catch {
          counts.refused += 1; // not listening yet
          await new Promise((done) => setTimeout(done, 5));
          continue;
        }
        if (answer.status === 503) {
          counts.unavailable += 1;
          if (answer.headers.get('retry-after') !== '1') retryAfterMissing += 1;
        } else if (answer.status === 200 && answer.json.active === false) counts.inactive += 1;
        else if (answer.status === 200 && answer.json.active === true) counts.activeRevoked += 1;
        else counts.other += 1;
      }
    };
    await Promise.all([starting, poll(0), poll(7), poll(13)]);
    console.log(`fail-closed start: ${JSON.stringify(counts)}`);

    expect(counts.activeRevoked).toBe(0);
    expect(counts.other).toBe(0);
    expect(retryAfterMissing).toBe(0);
    // The instance did answer while it was starting (so the window was really polled).
    expect(counts.unavailable + counts.inactive).toBeGreaterThan(0);
    // Once ready it answers as usual: the revoked tokens inactive, the live one active.
    for (const token of revoked) expect((await introspect(url, token)).json.active).toBe(false);
    expect((await introspect(url, live)).json.active).toBe(true);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  });
});
