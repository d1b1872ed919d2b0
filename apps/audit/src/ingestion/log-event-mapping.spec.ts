import { describe, expect, it } from 'vitest';
import {
  accessTokenIssued,
  backchannelLogoutFinished,
  createRevocationEvent,
  idTokenIssued,
  identityLinked,
  loginAddressThrottled,
  loginSessionStarted,
  tokenRequestRefused,
  userBlockCreated,
  userBlockDeleted,
  userDeleted,
  userUpdated,
} from '@app/contracts';
import { logOfAccount, logOfIssued, logOfRevocation } from './log-event-mapping';
import { LOG_TYPES } from './log-types';

const context = { correlationId: 'req-1' };
const user = {
  user_id: 'auth0|u1',
  email: 'u1@example.test',
  email_verified: true,
  name: null,
  nickname: null,
  picture: null,
  given_name: null,
  family_name: null,
  blocked: false,
  identities: [
    { provider: 'auth0', user_id: 'u1', connection: 'Username-Password-Authentication', isSocial: false },
  ],
  updated_at: '2026-12-03T10:00:00.000Z',
};

describe('log events of the audit stream', () => {
  it("logs brute-force blocks as Auth0's limit_wc, suspicious-IP throttling as limit_mu, and their lifting", () => {
    const blocked = logOfIssued(
      userBlockCreated.create(
        {
          connection: 'Username-Password-Authentication',
          identifier: 'u1@example.test',
          ip: '203.0.113.9',
          user_id: 'auth0|u1',
          client_id: 'c1',
          failed_attempts: 10,
          blocked_at: 1,
          log_type: 'limit_wc',
        },
        context,
      ),
    );
    expect(blocked).toMatchObject({
      type: 'limit_wc',
      user_id: 'auth0|u1',
      user_name: 'u1@example.test',
      ip: '203.0.113.9',
      client_id: 'c1',
      connection: 'Username-Password-Authentication',
    });
    expect(blocked?.description).toMatch(/^Blocked Account/);
    const throttled = logOfIssued(
      loginAddressThrottled.create(
        {
          ip: '203.0.113.9',
          connection: 'Username-Password-Authentication',
          client_id: 'c1',
          throttled_at: 1,
          log_type: 'limit_mu',
        },
        context,
      ),
    );
    expect(throttled).toMatchObject({ type: 'limit_mu', ip: '203.0.113.9', user_id: null });
    const lifted = logOfIssued(
      userBlockDeleted.create(
        {
          connection: 'Username-Password-Authentication',
          identifier: 'u1@example.test',
          ip: '203.0.113.9',
          user_id: 'auth0|u1',
          reason: 'admin',
          deleted_by: 'admin@clients',
          deleted_at: 2,
        },
        context,
      ),
    );
    expect(lifted).toMatchObject({ type: 't_ubd', user_id: 'auth0|u1', details: { reason: 'admin' } });
    for (const row of [blocked, throttled, lifted]) expect(LOG_TYPES).toHaveProperty(row!.type);
  });

  it("logs back-channel logouts as Auth0's oidc_backchannel_logout_succeeded and _failed, with the last failure", () => {
    const finished = (outcome: 'succeeded' | 'failed', lastError?: string) =>
      logOfIssued(
        backchannelLogoutFinished.create(
          {
            session_id: 'ses_1',
            client_id: 'app1',
            user_id: 'auth0|u1',
            attempts: 3,
            ...(lastError ? { last_error: lastError } : {}),
            finished_at: 1_764_000_000,
            log_type: `oidc_backchannel_logout_${outcome}`,
          },
          context,
        ),
      );
    const delivered = finished('succeeded');
    expect(delivered).toMatchObject({
      type: 'oidc_backchannel_logout_succeeded',
      description: 'Successful OIDC Back-Channel Logout request',
      client_id: 'app1',
      user_id: 'auth0|u1',
      details: { session_id: 'ses_1', attempts: 3 },
    });
    expect(finished('failed', 'HTTP 503')).toMatchObject({
      type: 'oidc_backchannel_logout_failed',
      description: 'Failed OIDC Back-Channel Logout request: HTTP 503',
    });
  });

  it('logs a token response once, by its access token, with the client and (for users) the user', () => {
    const issued = accessTokenIssued.create(
      {
        jti: 'j1',
        grant_id: 'g1',
        client_id: 'c1',
        sub: 'c1@clients',
        aud: ['https://api.example.test/'],
        scope: 'read:things',
        grant_type: 'client_credentials',
        format: 'jwt',
        issued_at: 1,
        expires_at: 2,
        log_type: 'seccft',
      },
      context,
    );
    const row = logOfIssued(issued);
    expect(row).toMatchObject({
      event_id: issued.id,
      date: new Date(issued.occurred_at).toISOString(),
      type: 'seccft',
      client_id: 'c1',
      user_id: null,
      audience: 'https://api.example.test/',
      scope: 'read:things',
      details: { correlation_id: 'req-1', grant_id: 'g1', jti: 'j1' },
    });
    const password = logOfIssued({
      ...issued,
      payload: { ...issued.payload, sub: 'auth0|u1', grant_type: 'password', log_type: 'sepft' },
    });
    expect(password).toMatchObject({ type: 'sepft', user_id: 'auth0|u1' });
    const idToken = idTokenIssued.create(
      {
        jti: 'i1',
        grant_id: 'g1',
        client_id: 'c1',
        sub: 'auth0|u1',
        grant_type: 'password',
        issued_at: 1,
        expires_at: 2,
        log_type: 'sepft',
      },
      context,
    );
    expect(logOfIssued(idToken)).toBeNull();
  });

  it('logs logins and refusals with what the request said', () => {
    const login = loginSessionStarted.create(
      {
        session_id: 's1',
        user_id: 'auth0|u1',
        connection: 'Username-Password-Authentication',
        client_id: 'c1',
        authenticated_at: 1,
        expires_at: 2,
        idle_expires_at: 2,
        ip: '203.0.113.9',
        user_agent: 'Test/1',
        log_type: 's',
      },
      context,
    );
    expect(logOfIssued(login)).toMatchObject({
      type: 's',
      ip: '203.0.113.9',
      user_agent: 'Test/1',
      user_id: 'auth0|u1',
    });
    const refused = tokenRequestRefused.create(
      {
        client_id: 'c1',
        grant_type: 'password',
        sub: null,
        error: 'invalid_grant',
        error_description: 'Wrong email or password.',
        occurred_at: 1,
        log_type: 'fepft',
      },
      context,
    );
    expect(logOfIssued(refused)).toMatchObject({
      type: 'fepft',
      description: 'Wrong email or password.',
      user_id: null,
      details: { error: 'invalid_grant' },
    });
  });

  it('logs every revocation: srrt for refresh tokens and grants, a documented t_ code otherwise', () => {
    const base = {
      expires_at: null,
      reason: 'admin' as const,
      revoked_by: { kind: 'admin' as const, sub: 'admin|1' },
      revoked_at: '2026-12-03T10:00:00.000Z',
    };
    const grant = logOfRevocation(
      createRevocationEvent({ ...base, target: { kind: 'grant', grant_id: 'g1' } }, context),
    );
    expect(grant).toMatchObject({
      type: 'srrt',
      client_id: null,
      details: { reason: 'admin', target: { kind: 'grant', grant_id: 'g1' } },
    });
    const userTokens = logOfRevocation(
      createRevocationEvent(
        { ...base, target: { kind: 'subject', sub: 'auth0|u1', not_before: 5 } },
        context,
      ),
    );
    expect(userTokens).toMatchObject({ type: 't_sru', user_id: 'auth0|u1' });
    const byClient = logOfRevocation(
      createRevocationEvent(
        { ...base, revoked_by: { kind: 'client', client_id: 'c9' }, target: { kind: 'jti', jti: 'j1' } },
        context,
      ),
    );
    expect(byClient).toMatchObject({ type: 't_srat', client_id: 'c9' });
    for (const row of [grant, userTokens, byClient]) expect(Object.keys(LOG_TYPES)).toContain(row.type);
  });

  it('logs account changes as Auth0 does: sapi, scp for a new password, sdu for a deletion', () => {
    expect(logOfAccount(userUpdated.create(user, context))).toMatchObject({
      type: 'sapi',
      user_id: 'auth0|u1',
      user_name: 'u1@example.test',
    });
    expect(logOfAccount(userUpdated.create({ ...user, credentials_changed: true }, context)).type).toBe(
      'scp',
    );
    expect(logOfAccount(userDeleted.create(user, context)).type).toBe('sdu');
    const linked = identityLinked.create(
      {
        primary_user_id: 'auth0|u1',
        secondary_user_id: 'google-oauth2|2',
        provider: 'google-oauth2',
        identity_user_id: '2',
        connection: 'google-oauth2',
      },
      context,
    );
    expect(logOfAccount(linked)).toMatchObject({
      type: 'sapi',
      user_id: 'auth0|u1',
      description: 'Link a User Account',
    });
  });
});
