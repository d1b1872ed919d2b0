import { describe, expect, it } from 'vitest';
import type { ValidationResult } from './access-token-claims';
import { authorizeRequest } from './bearer-response';
import { readBearerToken } from './bearer-token';
import type { TesseraTokenValidator } from './tessera-token-validator';

/** A validator that answers a fixed result: these tests are about the HTTP mapping, not validation. */
function answering(result: ValidationResult): TesseraTokenValidator {
  return { validate: () => Promise.resolve(result) } as unknown as TesseraTokenValidator;
}

const claims = {
  iss: 'https://issuer/',
  sub: 's',
  aud: 'api',
  exp: 2,
  iat: 1,
  jti: 'j',
  scope: 'read:things',
};

describe('readBearerToken (RFC 6750 §2.1)', () => {
  it('reads the token of a Bearer header, whatever the case of the scheme', () => {
    expect(readBearerToken('Bearer abc.def-_~+/=')).toEqual({ kind: 'token', token: 'abc.def-_~+/=' });
    expect(readBearerToken('bearer abc')).toEqual({ kind: 'token', token: 'abc' });
  });

  it('treats no header and other schemes as no token', () => {
    expect(readBearerToken(undefined)).toEqual({ kind: 'missing' });
    expect(readBearerToken('Basic dXNlcjpwYXNz')).toEqual({ kind: 'missing' });
    expect(readBearerToken('Bearerish abc')).toEqual({ kind: 'missing' });
  });

  it('refuses a Bearer header without a well-formed token, and repeated headers', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer é']) {
      expect(readBearerToken(header)).toEqual({ kind: 'malformed' });
    }
    expect(readBearerToken(['Bearer a', 'Bearer b'])).toEqual({ kind: 'malformed' });
  });
});

describe('authorizeRequest: refusals as RFC 6750 §3 describes them', () => {
  const ok = answering({ ok: true, claims });

  it('passes the claims through', async () => {
    expect(await authorizeRequest(ok, 'Bearer t')).toEqual({ ok: true, claims });
  });

  it('answers a request without a token 401 with a challenge and no error code', async () => {
    const outcome = await authorizeRequest(ok, undefined, { realm: 'things' });
    expect(outcome).toMatchObject({
      ok: false,
      refusal: { status: 401, headers: { 'www-authenticate': 'Bearer realm="things"' } },
    });
  });

  it('answers a malformed header 400 invalid_request', async () => {
    const outcome = await authorizeRequest(ok, 'Bearer a b');
    expect(outcome).toMatchObject({
      ok: false,
      refusal: { status: 400, body: { error: 'invalid_request' } },
    });
  });

  it('answers every invalid token alike: 401 invalid_token, no reason given', async () => {
    for (const reason of ['unverified', 'revoked', 'audience'] as const) {
      const outcome = await authorizeRequest(
        answering({ ok: false, rejection: { kind: 'invalid_token', reason } }),
        'Bearer t',
      );
      expect(outcome).toMatchObject({
        ok: false,
        refusal: {
          status: 401,
          headers: {
            'www-authenticate':
              'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or has expired"',
          },
          body: { error: 'invalid_token', error_description: 'The access token is invalid or has expired' },
        },
      });
    }
  });

  it('answers a missing scope 403 insufficient_scope, naming the scopes to ask for', async () => {
    const outcome = await authorizeRequest(
      answering({
        ok: false,
        rejection: { kind: 'insufficient_scope', requiredScopes: ['read:things', 'x'] },
      }),
      'Bearer t',
    );
    expect(outcome).toMatchObject({
      ok: false,
      refusal: { status: 403, body: { error: 'insufficient_scope' } },
    });
    if (!outcome.ok)
      expect(outcome.refusal.headers['www-authenticate']).toContain('error="insufficient_scope"');
    if (!outcome.ok) expect(outcome.refusal.headers['www-authenticate']).toContain('scope="read:things x"');
  });

  it('answers 503 with Retry-After while the validator has not replayed the revocations', async () => {
    const outcome = await authorizeRequest(
      answering({ ok: false, rejection: { kind: 'not_ready' } }),
      'Bearer t',
    );
    expect(outcome).toMatchObject({ ok: false, refusal: { status: 503, headers: { 'retry-after': '1' } } });
  });
});
