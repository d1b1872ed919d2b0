import { describe, expect, it } from 'vitest';
import { OutboundNetworkPolicy } from '@app/http';
import { oidcOptionsUnder } from './connection.schemas';

describe('oidcOptionsUnder (the URLs a connection is saved with)', () => {
  const options = (urls: Record<string, string>) => ({ client_id: 'tessera', ...urls });
  const production = oidcOptionsUnder(new OutboundNetworkPolicy(false));
  const development = oidcOptionsUnder(new OutboundNetworkPolicy(true));

  it('without the development setting, takes only https URLs to public hosts', () => {
    expect(production.safeParse(options({ issuer: 'https://login.example.com/' })).success).toBe(true);
    for (const urls of <Record<string, string>[]>[
      { discovery_url: 'https://127.0.0.1:4000/.well-known/openid-configuration' },
      { discovery_url: 'http://127.0.0.1:4000/.well-known/openid-configuration' },
      { discovery_url: 'http://169.254.169.254/latest/meta-data/' },
      { issuer: 'https://localhost/' },
      { issuer: 'https://192.168.1.10/' },
      { issuer: 'https://login.example.com/', discovery_url: 'https://[::1]/' },
    ]) {
      const parsed = production.safeParse(options(urls));
      expect(parsed.success, JSON.stringify(urls)).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual([Object.keys(urls).at(-1)]);
    }
  });

  it('with it, takes the test providers on loopback over http, and still not the metadata service', () => {
    expect(development.safeParse(options({ issuer: 'http://127.0.0.1:4000' })).success).toBe(true);
    expect(development.safeParse(options({ issuer: 'http://169.254.169.254/' })).success).toBe(false);
    expect(development.safeParse(options({ issuer: 'https://169.254.169.254/' })).success).toBe(false);
  });
});
