import { describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_EXCHANGE_POLICY, type TokenExchangePolicy } from '../../clients/exchange-policy';
import { exchangedScopes, readSubjectToken, subjectTokenRefusal } from './subject-token-policy';

const EXCHANGER = 'exchanger';
const exp = 2_000_000_000;
const userToken = (claims: Record<string, unknown> = {}) =>
  readSubjectToken(
    {
      sub: 'auth0|ada',
      aud: 'https://z.example/',
      azp: 'spa',
      scope: 'read',
      exp,
      grant_id: 'gr_1',
      jti: 'j1',
      ...claims,
    },
    'access_token',
    EXCHANGER,
  )!;
const policy = (change: Partial<TokenExchangePolicy> = {}) => ({
  ...DEFAULT_TOKEN_EXCHANGE_POLICY,
  ...change,
});

describe('subject token policy (RFC 8693 exchange)', () => {
  it('reads what the token says, its lineage included', () => {
    expect(userToken()).toEqual({
      sub: 'auth0|ada',
      issuedTo: 'spa',
      audiences: ['https://z.example/'],
      scopes: ['read'],
      machine: false,
      grantId: 'gr_1',
      sessionId: undefined,
      jti: 'j1',
      expiresAt: exp,
    });
    expect(userToken({ azp: undefined, client_id: 'rfc9068' }).issuedTo).toBe('rfc9068');
  });

  it('refuses a token that is not of its declared kind', () => {
    expect(readSubjectToken({ sub: 'u', exp, aud: 'x' }, 'access_token', EXCHANGER)).toBeNull();
    expect(readSubjectToken({ sub: 'u', exp, aud: 'other', azp: 'other' }, 'id_token', EXCHANGER)).toBeNull();
    expect(readSubjectToken({ sub: 'u', exp, aud: EXCHANGER, scope: 'x' }, 'id_token', EXCHANGER)).toBeNull();
    expect(
      readSubjectToken({ sub: 'u', exp, aud: EXCHANGER, sid: 's1' }, 'id_token', EXCHANGER),
    ).toMatchObject({
      issuedTo: EXCHANGER,
      scopes: [],
      sessionId: 's1',
    });
  });

  it('accepts a user token for an API the client has a grant for, or one issued to the client', () => {
    expect(subjectTokenRefusal(userToken(), EXCHANGER, policy(), true)).toBeNull();
    expect(subjectTokenRefusal(userToken({ azp: EXCHANGER }), EXCHANGER, policy(), false)).toBeNull();
  });

  it('refuses a token for an API the client has no grant for, issued to another client', () => {
    expect(subjectTokenRefusal(userToken(), EXCHANGER, policy(), false)).toMatch(/neither issued/);
  });

  it('refuses machine subjects unless the client allows them', () => {
    const machine = userToken({
      sub: 'svc@clients',
      azp: 'svc',
      gty: 'client-credentials',
      grant_id: undefined,
    });
    expect(machine.machine).toBe(true);
    expect(subjectTokenRefusal(machine, EXCHANGER, policy(), true)).toMatch(/client, not a user/);
    expect(
      subjectTokenRefusal(machine, EXCHANGER, policy({ allow_machine_subjects: true }), true),
    ).toBeNull();
    // RFC 9068 tokens have no gty: the subject decides.
    expect(userToken({ sub: 'svc@clients' }).machine).toBe(true);
  });

  it('refuses a user token without a grant: it could not be revoked with its source', () => {
    expect(subjectTokenRefusal(userToken({ grant_id: undefined }), EXCHANGER, policy(), true)).toBe(
      'Invalid subject_token',
    );
  });

  it('allowed_subject_clients narrows the baseline, never widens it', () => {
    const narrowed = policy({ allowed_subject_clients: ['web'] });
    expect(subjectTokenRefusal(userToken(), EXCHANGER, narrowed, true)).toMatch(/allowed_subject_clients/);
    expect(subjectTokenRefusal(userToken({ azp: 'web' }), EXCHANGER, narrowed, true)).toBeNull();
    expect(subjectTokenRefusal(userToken({ azp: 'web' }), EXCHANGER, narrowed, false)).toMatch(
      /neither issued/,
    );
    expect(subjectTokenRefusal(userToken({ azp: EXCHANGER }), EXCHANGER, narrowed, false)).toBeNull();
  });
});

describe('exchanged scopes', () => {
  it('are at most the subject token scopes that the client grant holds', () => {
    expect(exchangedScopes(undefined, ['read', 'openid', 'read'], ['read', 'admin'])).toEqual({
      ok: true,
      scopes: ['read'],
    });
    expect(exchangedScopes('read', ['read'], ['read', 'admin'])).toEqual({ ok: true, scopes: ['read'] });
    expect(exchangedScopes('read admin', ['read'], ['read', 'admin'])).toEqual({
      ok: false,
      outside: ['admin'],
    });
    expect(exchangedScopes('write', ['write'], ['read'])).toEqual({ ok: false, outside: ['write'] });
    expect(exchangedScopes(undefined, [], ['read'])).toEqual({ ok: true, scopes: [] });
  });
});
