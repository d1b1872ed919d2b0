import { describe, expect, inject, it } from 'vitest';
import { post } from '@app/testing';

/**
 * Hostile or broken input on the user-facing issuance endpoints — `/oauth/token` user grants,
 * `/authorize`, `/u/login`, `/authorize/resume`, `/delegation`: the documented error or page, never
 * a 500 and never a stack trace.
 */
describe('bad input on the user grants, /authorize, the login page and /delegation', () => {
  const stack = inject('stack');
  const issuance = stack.urls.issuance;
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };

  const expectClean = (response: { status: number; text: string }, status: number) => {
    expect(response.status).toBe(status);
    expect(response.text).not.toMatch(/at .*\.js:\d+|stack|Internal Server Error/i);
  };
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${issuance}${path}`, { redirect: 'manual', headers });
    return {
      status: response.status,
      text: await response.text(),
      location: response.headers.get('location'),
    };
  };

  it('user grants: missing, duplicated, oversized and foreign parameters', async () => {
    for (const [params, status, error] of [
      [{ grant_type: 'refresh_token', ...credentials }, 403, 'unauthorized_client'],
      [{ grant_type: 'authorization_code', ...credentials }, 403, 'unauthorized_client'],
      [{ grant_type: 'password', ...credentials, username: 'a', password: 'b' }, 403, 'unauthorized_client'],
      [
        { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', ...credentials },
        403,
        'unauthorized_client',
      ],
      [{ grant_type: 'implicit', ...credentials }, 400, 'unsupported_grant_type'],
    ] as const) {
      const response = await post(`${issuance}/oauth/token`, params);
      expectClean(response, status);
      expect(response.json.error).toBe(error);
    }
    const duplicated = await post(
      `${issuance}/oauth/token`,
      `grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=${credentials.client_id}&client_secret=${credentials.client_secret}`,
      { contentType: 'application/x-www-form-urlencoded' },
    );
    expectClean(duplicated, 400);
    expect(duplicated.json.error).toBe('invalid_request');
    const brokenJson = await post(`${issuance}/oauth/token`, '{"grant_type": "password",', {
      contentType: 'application/json',
    });
    expectClean(brokenJson, 400);
  });

  it('/authorize: junk, arrays, oversized values and unknown clients get an error page, never a redirect', async () => {
    for (const query of [
      '',
      '?client_id=',
      '?client_id=a&client_id=b',
      `?client_id=${'x'.repeat(5000)}`,
      `?client_id=${encodeURIComponent(stack.client.clientId)}`,
      `?client_id=${encodeURIComponent(stack.client.clientId)}&redirect_uri=javascript:alert(1)`,
      '?client_id=%00%ff&redirect_uri=%ff',
    ]) {
      const response = await get(`/authorize${query}`);
      expectClean(response, 400);
      expect(response.location).toBeNull();
      expect(response.text).not.toContain('<script');
    }
  });

  it('/u/login and /authorize/resume: unknown, expired or forged transactions and broken bodies', async () => {
    expectClean(await get('/u/login'), 400);
    expectClean(await get('/u/login?state=unknown'), 400);
    expectClean(await get('/u/login?state=a&state=b'), 400);
    expectClean(await get('/authorize/resume'), 400);
    expectClean(
      await get('/authorize/resume?transaction=x&login_ticket=y', { cookie: 'tessera_csrf=abc' }),
      400,
    );
    const forged = await post(`${issuance}/u/login`, {
      state: 'unknown',
      csrf: 'x',
      username: 'a',
      password: 'b',
    });
    expectClean(forged, 403);
    const junk = await post(`${issuance}/u/login`, '%%%', {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(junk.status).toBeLessThan(500);
    const binary = await post(`${issuance}/u/login`, '\u0000\u00ff', {
      contentType: 'application/octet-stream',
    });
    expect(binary.status).toBeLessThan(500);
  });

  it('/delegation: broken JSON, wrong grant type, unknown target, junk tokens', async () => {
    const delegation = `${issuance}/delegation`;
    expectClean(await post(delegation, '{', { contentType: 'application/json' }), 400);
    const base = { ...credentials, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' };
    for (const [body, status] of [
      [{ ...credentials, grant_type: 'password', id_token: 'x' }, 400],
      [{ ...base }, 400],
      [{ ...base, id_token: 'x', refresh_token: 'y' }, 400],
      [{ ...base, id_token: 'x', target: 'no-such-client' }, 400],
      [{ ...base, id_token: 'a.b.c' }, 403],
      [{ ...base, refresh_token: 'r'.repeat(4000) }, 403],
    ] as const) {
      const response = await post(delegation, JSON.stringify(body), { contentType: 'application/json' });
      expectClean(response, status);
    }
  });
});
