import { describe, expect, it } from 'vitest';
import { VerificationKeySet, type VerifiedJwt } from '@app/jwt';
import { VerifiedTokenCache } from './verified-token-cache';

const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;

function verification(kid: string, exp = NOW_S + 60): VerifiedJwt {
  return { kid, typ: 'JWT', claims: { jti: `jti-${kid}-${exp}`, exp, iat: NOW_S } };
}

function cacheAt(clock: { ms: number }, maxEntries = 10) {
  const keys = new VerificationKeySet();
  return { keys, cache: new VerifiedTokenCache(keys, { maxEntries, now: () => clock.ms }) };
}

describe('VerifiedTokenCache', () => {
  it('returns a remembered verification for the exact same token only', () => {
    const { cache } = cacheAt({ ms: NOW_MS });
    const verified = verification('kid-aaaaaaaa');
    expect(cache.get('token-a')).toBeUndefined();
    cache.remember('token-a', verified);
    expect(cache.get('token-a')).toBe(verified);
    expect(cache.get('token-a ')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('keeps an entry until the token expires, and not a second longer', () => {
    const clock = { ms: NOW_MS };
    const { cache } = cacheAt(clock);
    cache.remember('token', verification('kid-aaaaaaaa', NOW_S + 10));
    clock.ms = NOW_MS + 9_999;
    expect(cache.get('token')).toBeDefined();
    // At exp the token is expired (RFC 7519 §4.1.4 "on or after"), as jose decides.
    clock.ms = NOW_MS + 10_000;
    expect(cache.get('token')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not remember a verification that is already expired or has no exp', () => {
    const { cache } = cacheAt({ ms: NOW_MS });
    cache.remember('expired', verification('kid-aaaaaaaa', NOW_S));
    cache.remember('no-exp', { kid: 'kid-aaaaaaaa', typ: 'JWT', claims: { jti: 'no-exp', iat: NOW_S } });
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry when full', () => {
    const { cache } = cacheAt({ ms: NOW_MS }, 2);
    cache.remember('first', verification('kid-aaaaaaaa'));
    cache.remember('second', verification('kid-aaaaaaaa'));
    expect(cache.get('first')).toBeDefined(); // now "second" is the least recently used
    cache.remember('third', verification('kid-aaaaaaaa'));
    expect(cache.size).toBe(2);
    expect(cache.get('second')).toBeUndefined();
    expect(cache.get('first')).toBeDefined();
    expect(cache.get('third')).toBeDefined();
  });

  it('keeps a token used on every request however many others pass, and never more than maxEntries', () => {
    const { cache } = cacheAt({ ms: NOW_MS }, 10);
    cache.remember('hot', verification('kid-aaaaaaaa'));
    for (let i = 0; i < 100; i++) {
      cache.remember(`token-${i}`, verification('kid-aaaaaaaa'));
      expect(cache.get('hot')).toBeDefined();
      expect(cache.size).toBeLessThanOrEqual(10);
    }
    expect(cache.get('token-0')).toBeUndefined(); // unused for many generations
    expect(cache.get('token-99')).toBeDefined();
  });

  it("drops every entry of a key when the key is revoked, and only that key's", () => {
    const { cache, keys } = cacheAt({ ms: NOW_MS });
    cache.remember('a1', verification('kid-aaaaaaaa'));
    cache.remember('a2', verification('kid-aaaaaaaa'));
    cache.remember('b1', verification('kid-bbbbbbbb'));
    keys.revoke('kid-aaaaaaaa');
    expect(cache.size).toBe(1);
    expect(cache.get('a1')).toBeUndefined();
    expect(cache.get('a2')).toBeUndefined();
    expect(cache.get('b1')).toBeDefined();
  });

  it('does not take in a verification whose key was revoked while it was in flight', () => {
    const { cache, keys } = cacheAt({ ms: NOW_MS });
    keys.revoke('kid-aaaaaaaa');
    cache.remember('late', verification('kid-aaaaaaaa'));
    expect(cache.size).toBe(0);
    expect(cache.get('late')).toBeUndefined();
  });
});
