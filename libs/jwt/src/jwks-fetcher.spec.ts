import { afterEach, describe, expect, it, vi } from 'vitest';
import { InsecureJwksUrlError, JwksFetcher } from './jwks-fetcher';

afterEach(() => vi.unstubAllGlobals());

describe('JwksFetcher', () => {
  it('requires an https JWKS unless http is allowed explicitly', () => {
    expect(() => new JwksFetcher('http://issuer.test/.well-known/jwks.json')).toThrow(InsecureJwksUrlError);
    expect(() => new JwksFetcher('file:///etc/jwks.json', { allowHttp: true })).toThrow(InsecureJwksUrlError);
    expect(
      () => new JwksFetcher('http://127.0.0.1:3001/.well-known/jwks.json', { allowHttp: true }),
    ).not.toThrow();
    expect(() => new JwksFetcher('https://issuer.test/.well-known/jwks.json')).not.toThrow();
  });

  it('starts at most one rate-limited fetch per interval', async () => {
    const fetches = vi.fn(() => Promise.resolve(Response.json({ keys: [] })));
    vi.stubGlobal('fetch', fetches);
    const fetcher = new JwksFetcher('https://issuer.test/.well-known/jwks.json', {
      minIntervalMs: 3_600_000,
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetcher.fetch()));
    expect(answers.filter((answer) => answer !== null)).toHaveLength(20); // all shared the one in flight
    expect(await fetcher.fetch()).toBeNull();
    expect(fetches).toHaveBeenCalledTimes(1);
    // Start-up's fetch is not rate-limited (no caller can trigger it) and restarts the interval.
    expect(await fetcher.fetchNow()).toEqual([]);
    expect(fetches).toHaveBeenCalledTimes(2);
    expect(fetcher.msUntilAllowed()).toBeGreaterThan(0);
  });
});
