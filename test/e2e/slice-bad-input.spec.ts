import { describe, expect, inject, it } from 'vitest';
import { basicAuth, post } from '@app/testing';

/**
 * RFC 6749 §5.2 / RFC 7009 / RFC 7662 errors on the three endpoints of the first slice: malformed,
 * missing, duplicated or oversized parameters, wrong secrets and unknown clients get the documented
 * OAuth error — never a 500, never a stack trace.
 */
describe('bad input on /oauth/token, /oauth/introspect and /oauth/revoke', () => {
  const stack = inject('stack');
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  const endpoints = {
    token: `${stack.urls.issuance}/oauth/token`,
    introspect: `${stack.urls.introspection}/oauth/introspect`,
    revoke: `${stack.urls.revocation}/oauth/revoke`,
  };
  const tokenRequest = { grant_type: 'client_credentials', audience: stack.api.identifier };

  function expectOAuthError(
    response: { status: number; json: any; text: string },
    status: number,
    error: string,
  ) {
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error, error_description: expect.any(String) });
    expect(response.text).not.toMatch(/at .*\.js:\d+|stack/i);
  }

  describe.each(Object.entries(endpoints))('%s', (name, url) => {
    const valid = name === 'token' ? { ...tokenRequest, ...credentials } : { token: 'x.y.z', ...credentials };

    it('401 invalid_client for a wrong secret, with a Basic challenge', async () => {
      const response = await post(url, { ...valid, client_secret: 'not-the-secret' });
      expectOAuthError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('401 invalid_client for an unknown client', async () => {
      expectOAuthError(await post(url, { ...valid, client_id: 'no-such-client' }), 401, 'invalid_client');
    });

    it('401 invalid_client for a malformed Basic header', async () => {
      const response = await post(
        url,
        { ...valid, client_id: '', client_secret: '' },
        { headers: { authorization: 'Basic !!!' } },
      );
      expectOAuthError(response, 401, 'invalid_client');
    });

    it('accepts client_secret_basic', async () => {
      const { client_id: _id, client_secret: _secret, ...rest } = valid;
      const response = await post(url, rest, {
        headers: { authorization: basicAuth(stack.client.clientId, stack.client.clientSecret) },
      });
      expect(response.status).toBe(200);
    });

    it('400 invalid_request when two authentication methods are used at once', async () => {
      const response = await post(url, valid, {
        headers: { authorization: basicAuth(stack.client.clientId, stack.client.clientSecret) },
      });
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('400 invalid_request for a duplicated parameter', async () => {
      const body = `${new URLSearchParams(valid).toString()}&client_id=${encodeURIComponent(stack.client.clientId)}`;
      expectOAuthError(
        await post(url, body, { contentType: 'application/x-www-form-urlencoded' }),
        400,
        'invalid_request',
      );
    });

    it('400 invalid_request for broken JSON, a JSON array, and a structured value', async () => {
      expectOAuthError(await post(url, '{"client_id": '), 400, 'invalid_request');
      expectOAuthError(await post(url, '[1,2]'), 400, 'invalid_request');
      expectOAuthError(
        await post(url, JSON.stringify({ ...valid, client_id: { $ne: null } })),
        400,
        'invalid_request',
      );
    });

    it('400 invalid_request for an empty body', async () => {
      expectOAuthError(
        await post(url, '', { contentType: 'application/x-www-form-urlencoded' }),
        400,
        'invalid_request',
      );
    });

    it('415 invalid_request for an unsupported content type', async () => {
      expectOAuthError(await post(url, 'token=x', { contentType: 'text/plain' }), 415, 'invalid_request');
    });

    it('rejects an oversized client secret without a 500', async () => {
      expectOAuthError(await post(url, { ...valid, client_secret: 'x'.repeat(5000) }), 401, 'invalid_client');
    });

    it('rejects non-UTF-8 bytes and control characters without a 500', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.concat([
          Buffer.from('client_id='),
          Buffer.from([0xff, 0xfe, 0x00, 0x01]),
          Buffer.from('&token=%00'),
        ]),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });
  });

  describe('token endpoint', () => {
    it('400 invalid_request without grant_type', async () => {
      expectOAuthError(
        await post(endpoints.token, { ...credentials, audience: stack.api.identifier }),
        400,
        'invalid_request',
      );
    });

    it('400 unsupported_grant_type for an unknown grant', async () => {
      expectOAuthError(
        await post(endpoints.token, { ...credentials, grant_type: 'urn:made:up' }),
        400,
        'unsupported_grant_type',
      );
    });

    it('403 access_denied without an audience, for an unknown audience, and without a client grant', async () => {
      expectOAuthError(
        await post(endpoints.token, { ...credentials, grant_type: 'client_credentials' }),
        403,
        'access_denied',
      );
      const unknown = await post(endpoints.token, {
        ...credentials,
        ...tokenRequest,
        audience: 'https://unknown.example/',
      });
      expectOAuthError(unknown, 403, 'access_denied');
      expect(unknown.json.error_description).toBe('Service not found: https://unknown.example/');
      const ungranted = await post(endpoints.token, {
        client_id: stack.otherClient.clientId,
        client_secret: stack.otherClient.clientSecret,
        ...tokenRequest,
        audience: stack.rfc9068Api.identifier,
      });
      expectOAuthError(ungranted, 403, 'access_denied');
      expect(ungranted.json.error_description).toMatch(/^Client is not authorized to access/);
    });

    it('413 for an oversized body', async () => {
      expectOAuthError(
        await post(endpoints.token, { ...credentials, ...tokenRequest, pad: 'x'.repeat(100_000) }),
        413,
        'invalid_request',
      );
    });
  });

  describe('introspection and revocation endpoints', () => {
    it('400 invalid_request without a token', async () => {
      expectOAuthError(await post(endpoints.introspect, credentials), 400, 'invalid_request');
      expectOAuthError(await post(endpoints.revoke, credentials), 400, 'invalid_request');
    });

    it('answer garbage tokens as inactive / 200 empty, never an error', async () => {
      for (const token of [
        'garbage',
        'a.b.c',
        'eyJhbGciOiJub25lIn0.e30.',
        '\u00e9\ufffd.x.y',
        'x'.repeat(10_000),
      ]) {
        const introspected = await post(endpoints.introspect, { token, ...credentials });
        expect(introspected.status).toBe(200);
        expect(introspected.json).toEqual({ active: false });
        const revoked = await post(endpoints.revoke, { token, ...credentials });
        expect(revoked.status).toBe(200);
        expect(revoked.text).toBe('');
      }
    });

    it('answer a token with a NUL as a malformed request (issue #14 §6: refused at the edge)', async () => {
      // RFC 6749 Appendix A.12/A.17: a token is 1*VSCHAR, so a NUL makes the request malformed.
      for (const url of [endpoints.introspect, endpoints.revoke]) {
        expectOAuthError(
          await post(url, { token: '\u00e9\u0000.x.y', ...credentials }),
          400,
          'invalid_request',
        );
      }
    });

    it('accepts any token_type_hint, known or not (RFC 7009 §2.1)', async () => {
      for (const hint of ['access_token', 'refresh_token', 'something_else']) {
        expect(
          (await post(endpoints.revoke, { token: 'x', token_type_hint: hint, ...credentials })).status,
        ).toBe(200);
        expect(
          (await post(endpoints.introspect, { token: 'x', token_type_hint: hint, ...credentials })).status,
        ).toBe(200);
      }
    });
  });
});
