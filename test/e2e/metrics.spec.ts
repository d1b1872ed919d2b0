import { describe, expect, inject, it } from 'vitest';
import { eventually, post } from '@app/testing';

/**
 * `GET /metrics` on every service (issue #18 §1): Prometheus' text format, the families each service
 * promises, values that move when the service works, and no token, secret or id in any label.
 */
describe('metrics', () => {
  const stack = inject('stack');
  const services = {
    issuance: stack.urls.issuance,
    introspection: stack.urls.introspection,
    revocation: stack.urls.revocation,
    'account-linking': stack.urls.accountLinking,
    audit: stack.urls.audit!,
  };

  async function scrape(url: string): Promise<{ contentType: string; text: string }> {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    return { contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  /** The value of the series `name{labels…}` whose labels include all of `labels` (summed), 0 if none. */
  function value(text: string, name: string, labels: Record<string, string> = {}): number {
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) continue;
      const found = Object.fromEntries(
        [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
      );
      if (Object.entries(labels).every(([key, wanted]) => found[key] === wanted)) sum += Number(match[2]);
    }
    return sum;
  }

  async function clientCredentialsToken(): Promise<string> {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
      audience: stack.api.identifier,
    });
    expect(response.status).toBe(200);
    return (response.json as { access_token: string }).access_token;
  }

  it.each(Object.entries(services))('%s answers in the Prometheus text format, named', async (name, url) => {
    const { contentType, text } = await scrape(url);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^# HELP tessera_process_cpu_seconds_total /m);
    expect(value(text, 'tessera_process_cpu_seconds_total', { service: name })).toBeGreaterThan(0);
    expect(text).toMatch(/^# TYPE tessera_http_request_duration_seconds histogram$/m);
  });

  it('counts token requests by grant type, outcome and Auth0 log code', async () => {
    const before = (await scrape(stack.urls.issuance)).text;
    await clientCredentialsToken();
    const refused = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: stack.client.clientId,
      client_secret: 'not-the-secret',
      audience: stack.api.identifier,
    });
    expect(refused.status).toBe(401);
    const after = (await scrape(stack.urls.issuance)).text;
    const issued = { grant_type: 'client_credentials', outcome: 'issued', log_code: 'seccft' };
    const failed = { grant_type: 'client_credentials', outcome: 'invalid_client', log_code: 'feccft' };
    expect(value(after, 'tessera_token_requests_total', issued)).toBe(
      value(before, 'tessera_token_requests_total', issued) + 1,
    );
    expect(value(after, 'tessera_token_requests_total', failed)).toBe(
      value(before, 'tessera_token_requests_total', failed) + 1,
    );
    const route = { route: '/oauth/token', method: 'POST', status: '200' };
    expect(value(after, 'tessera_http_request_duration_seconds_count', route)).toBeGreaterThan(
      value(before, 'tessera_http_request_duration_seconds_count', route),
    );
    // The outbox published the token's audit event.
    expect(
      value(after, 'tessera_outbox_published_total', { topic: 'tessera.tokens.issued.v1' }),
    ).toBeGreaterThan(0);
    expect(after).toMatch(/^tessera_outbox_pending_events\{schema="issuance",service="issuance"\} \d+$/m);
    expect(after).toMatch(/^tessera_pg_pool_waiting_requests\{service="issuance"\} \d+$/m);
  });

  it('counts introspections by result and kind, cache hits and misses, and the revocation list', async () => {
    const token = await clientCredentialsToken();
    const before = (await scrape(stack.urls.introspection)).text;
    const introspect = (presented: string) =>
      post(`${stack.urls.introspection}/oauth/introspect`, {
        token: presented,
        client_id: stack.client.clientId,
        client_secret: stack.client.clientSecret,
      });
    expect((await introspect(token)).json).toMatchObject({ active: true });
    expect((await introspect(token)).json).toMatchObject({ active: true });
    expect((await introspect('not-a-token')).json).toEqual({ active: false });
    const introspected = (await scrape(stack.urls.introspection)).text;
    const counted = (labels: Record<string, string>) =>
      value(introspected, 'tessera_introspections_total', labels) -
      value(before, 'tessera_introspections_total', labels);
    expect(counted({ result: 'active', token_kind: 'jwt' })).toBe(2);
    expect(counted({ result: 'inactive', token_kind: 'opaque' })).toBe(1);

    const revoked = await post(`${stack.urls.revocation}/oauth/revoke`, {
      token,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    expect(revoked.status).toBe(200);
    const inactive = async () => ((await introspect(token)).json as { active: boolean }).active === false;
    expect(await eventually(inactive, 10_000, 50)).toBe(true);

    const after = (await scrape(stack.urls.introspection)).text;
    const moved = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(moved('tessera_introspections_total', { result: 'inactive', token_kind: 'jwt' })).toBeGreaterThan(
      0,
    );
    expect(moved('tessera_verified_token_cache_lookups_total', { outcome: 'miss' })).toBeGreaterThan(0);
    expect(moved('tessera_verified_token_cache_lookups_total', { outcome: 'hit' })).toBeGreaterThan(0);
    expect(value(after, 'tessera_revocation_list_entries')).toBeGreaterThan(0);
    // Its streams are replayed and current, and it has read the revocation it just applied.
    expect(value(after, 'tessera_stream_caught_up', { topic: 'tessera.tokens.revoked.v1' })).toBe(1);
    expect(
      moved('tessera_stream_messages_processed_total', { topic: 'tessera.tokens.revoked.v1' }),
    ).toBeGreaterThan(0);
    expect(after).toMatch(/^tessera_consumer_lag_messages\{consumer="[^"]+",topic="[^"]+",partition="\d+"/m);
    expect(after).toMatch(
      /^tessera_stream_halted\{consumer="[^"]+",topic="tessera\.tokens\.revoked\.v1",service="introspection"\} 0$/m,
    );
    expect(after).toMatch(/^# TYPE tessera_dead_letters_total counter$/m);

    const revocation = (await scrape(stack.urls.revocation)).text;
    expect(
      value(revocation, 'tessera_revocations_total', { target_kind: 'jti', reason: 'client_request' }),
    ).toBeGreaterThan(0);
    // The consumers served by the Nest transport (issue #16 §4) are measured like the others.
    for (const consumer of ['revocation.known-users', 'revocation.clients', 'revocation.account-revocations'])
      expect(value(revocation, 'tessera_stream_caught_up', { consumer })).toBe(1);
    const ready = await fetch(`${stack.urls.revocation}/health/ready`);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks).toMatchObject({
      'users projected': true,
      'clients projected': true,
    });
  });

  it('puts no token, secret or client id in any series', async () => {
    const token = await clientCredentialsToken();
    for (const url of Object.values(services)) {
      const { text } = await scrape(url);
      expect(text).not.toContain(token.slice(0, 40));
      expect(text).not.toContain(stack.client.clientSecret);
      expect(text).not.toContain(stack.client.clientId);
    }
  });
});
