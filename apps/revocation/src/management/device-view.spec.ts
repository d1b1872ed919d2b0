import { describe, expect, it } from 'vitest';
import { deviceView } from './device-view';

describe('deviceView', () => {
  it('names the known fields only, never an ASN', () => {
    expect(
      deviceView({
        initialIp: '203.0.113.7',
        initialUserAgent: 'App/1',
        lastIp: '198.51.100.2',
        lastUserAgent: 'App/2',
      }),
    ).toEqual({
      initial_ip: '203.0.113.7',
      initial_user_agent: 'App/1',
      last_ip: '198.51.100.2',
      last_user_agent: 'App/2',
    });
    expect(
      deviceView({ initialIp: null, initialUserAgent: null, lastIp: '198.51.100.2', lastUserAgent: null }),
    ).toEqual({
      last_ip: '198.51.100.2',
    });
  });

  it('is empty when nothing is known (tokens recorded before origins were reported)', () => {
    expect(
      deviceView({ initialIp: null, initialUserAgent: null, lastIp: null, lastUserAgent: null }),
    ).toEqual({});
  });
});
