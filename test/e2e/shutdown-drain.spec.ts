import { afterAll, describe, expect, inject, it } from 'vitest';
import { post, type RunningService } from '@app/testing';
import { startExtraIntrospection } from './support/extra-introspection';

/**
 * Issue #22 §4 on the real stack: readiness tells the truth about PostgreSQL, and SIGTERM turns
 * readiness false at once while the instance keeps serving for its drain, then closes and exits 0.
 */
describe('readiness and shutdown', () => {
  const stack = inject('stack');
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  let instance: RunningService | undefined;

  afterAll(async () => {
    await instance?.stop();
  });

  it('counts PostgreSQL in the readiness of the services that use it', async () => {
    for (const url of [stack.urls.issuance, stack.urls.revocation, stack.urls.accountLinking]) {
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: Record<string, boolean> }).checks.postgresql).toBe(true);
    }
  });

  it('on SIGTERM answers not ready (draining) at once, keeps serving through the drain, then exits 0', async () => {
    instance = await startExtraIntrospection(stack, {
      name: 'drain',
      port: 'drain',
      env: { TESSERA_SHUTDOWN_DRAIN_SECONDS: '2' },
    });
    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    const token = issued.json.access_token as string;
    const exited = new Promise<number | null>((done) => instance!.process.once('exit', done));
    const signalledAt = Date.now();
    instance.process.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 200));

    const ready = await fetch(`${instance.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining', checks: { 'not shutting down': false } });
    const during = await post(`${instance.url}/oauth/introspect`, { token, ...credentials });
    expect(during.status).toBe(200);
    expect(during.json.active).toBe(true);

    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(2_000);
  });
});
