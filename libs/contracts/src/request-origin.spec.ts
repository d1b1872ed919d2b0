import { describe, expect, it } from 'vitest';
import { requestOrigin, USER_AGENT_MAX_LENGTH } from './envelope';
import { originFields, refreshTokenIssued, refreshTokenRotated } from './events/tokens-issued';

const facts = {
  refresh_token_id: 'rt_1',
  grant_id: 'gr_1',
  client_id: 'cli_1',
  sub: 'auth0|1',
  aud: ['https://api.example.test/'],
  scope: 'openid offline_access',
  grant_type: 'password' as const,
  rotating: true,
  issued_at: 1_700_000_000,
  expires_at: null,
  idle_expires_at: null,
  log_type: 'sepft' as const,
};

describe("a request's origin on refresh-token events", () => {
  it('bounds the user agent and leaves out what is missing', () => {
    const long = 'Mozilla/5.0 '.repeat(100);
    expect(requestOrigin('203.0.113.7', long)).toEqual({
      ip: '203.0.113.7',
      userAgent: long.slice(0, USER_AGENT_MAX_LENGTH),
    });
    expect(requestOrigin(undefined, '')).toEqual({});
    expect(requestOrigin('x'.repeat(500), undefined).ip).toHaveLength(64);
    expect(requestOrigin('::1', 'App\u0000/1\n')).toEqual({ ip: '::1', userAgent: 'App/1' });
    expect(requestOrigin('\u0000', '\u0001')).toEqual({});
  });

  it('maps to the payload fields ip and user_agent, absent when unknown', () => {
    expect(originFields({ ip: '203.0.113.7', userAgent: 'App/1' })).toEqual({
      ip: '203.0.113.7',
      user_agent: 'App/1',
    });
    expect(originFields(undefined)).toEqual({});
  });

  it('events without the new fields still parse (older producers), and events with them keep them', () => {
    const context = { correlationId: 'req-1' };
    const older = refreshTokenIssued.create(facts, context);
    expect(refreshTokenIssued.schema.parse(JSON.parse(JSON.stringify(older)))).not.toHaveProperty(
      'payload.ip',
    );
    const rotated = refreshTokenRotated.create(
      { ...facts, previous_refresh_token_id: 'rt_0', ...originFields({ ip: '::1', userAgent: 'App/2' }) },
      context,
    );
    expect(rotated.payload).toMatchObject({ ip: '::1', user_agent: 'App/2' });
  });

  it('the context origin is not copied into the envelope', () => {
    const event = refreshTokenIssued.create(facts, { correlationId: 'req-1', origin: { ip: '::1' } });
    expect(event).not.toHaveProperty('origin');
    expect(event.payload).not.toHaveProperty('ip');
  });
});
