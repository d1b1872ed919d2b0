import { describe, expect, it } from 'vitest';
import type { RefreshTokenRecord } from '../registry/refresh-tokens.repository';
import { deviceCredentialView, refreshTokenView, selectFields } from './refresh-token.views';

const token: RefreshTokenRecord = {
  id: 'rt_1',
  grantId: 'gr_1',
  clientId: 'cli_1',
  userId: 'auth0|1',
  sessionId: null,
  audiences: ['https://api.example.test/', 'https://127.0.0.1:8443/userinfo'],
  scope: 'openid offline_access',
  rotating: false,
  device: null,
  createdAt: 1_700_000_000,
  expiresAt: null,
  idleExpiresAt: 1_700_003_600,
  lastExchangedAt: 1_700_000_100,
  seenFrom: { initialIp: null, initialUserAgent: null, lastIp: null, lastUserAgent: null },
  metadata: {},
};

describe('refresh-token views', () => {
  it("writes Auth0's refresh-token object: ISO dates, absent when never, one resource server per audience", () => {
    expect(refreshTokenView(token)).toEqual({
      id: 'rt_1',
      user_id: 'auth0|1',
      created_at: '2023-11-14T22:13:20.000Z',
      idle_expires_at: '2023-11-14T23:13:20.000Z',
      device: {},
      client_id: 'cli_1',
      rotating: false,
      resource_servers: [
        { audience: 'https://api.example.test/', scopes: 'openid offline_access' },
        { audience: 'https://127.0.0.1:8443/userinfo', scopes: 'openid offline_access' },
      ],
      refresh_token_metadata: {},
      last_exchanged_at: '2023-11-14T22:15:00.000Z',
    });
  });

  it('writes the device the registry knows: initial_* from the first token, last_* from the latest', () => {
    const seenFrom = {
      initialIp: '203.0.113.7',
      initialUserAgent: 'App/1',
      lastIp: '198.51.100.2',
      lastUserAgent: null,
    };
    expect(refreshTokenView({ ...token, seenFrom }).device).toEqual({
      initial_ip: '203.0.113.7',
      initial_user_agent: 'App/1',
      last_ip: '198.51.100.2',
    });
  });

  it("returns the family's metadata", () => {
    expect(refreshTokenView({ ...token, metadata: { app: 'mobile' } }).refresh_token_metadata).toEqual({
      app: 'mobile',
    });
  });

  it('names the device credential type after rotation, with no device_id (none is known)', () => {
    expect(deviceCredentialView(token)).not.toHaveProperty('device_id');
    expect(deviceCredentialView(token).type).toBe('refresh_token');
    expect(deviceCredentialView({ ...token, rotating: true, device: 'Pixel' })).toMatchObject({
      type: 'rotating_refresh_token',
      device_name: 'Pixel',
    });
  });

  it("keeps or drops Auth0's `fields`", () => {
    const view = deviceCredentialView(token);
    expect(selectFields(view, 'id,type', true)).toEqual({ id: 'rt_1', type: 'refresh_token' });
    expect(Object.keys(selectFields(view, 'id, type', false)).sort()).toEqual([
      'client_id',
      'device_name',
      'user_id',
    ]);
    expect(selectFields(view, undefined, true)).toBe(view);
  });
});
