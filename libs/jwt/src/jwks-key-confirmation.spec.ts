import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicJwk, SigningKeySnapshot } from '@app/contracts';
import { JwksKeyConfirmation, type JwksSource } from './jwks-key-confirmation';
import { jwkThumbprint } from './jwk-thumbprint';
import { VerificationKeySet } from './verification-key-set';

async function es256Jwk(kid: string): Promise<PublicJwk> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
}

const snapshot = (jwk: PublicJwk, state: SigningKeySnapshot['state'] = 'current'): SigningKeySnapshot => ({
  kid: jwk.kid,
  alg: jwk.alg,
  state,
  public_jwk: jwk,
});

/** A JWKS that answers what the test publishes, with the real fetcher's rate limit as a switch. */
class FakeJwks implements JwksSource {
  published: PublicJwk[] = [];
  limited = false;
  fetches = 0;
  fetch(): Promise<PublicJwk[] | null> {
    return this.limited ? Promise.resolve(null) : this.fetchNow();
  }
  fetchNow(): Promise<PublicJwk[] | null> {
    this.fetches++;
    return Promise.resolve([...this.published]);
  }
  msUntilAllowed(): number {
    return this.limited ? 60_000 : 0;
  }
}

let legit: PublicJwk;
let forged: PublicJwk;
let impostor: PublicJwk;

beforeAll(async () => {
  legit = await es256Jwk('kid-legit-0001');
  forged = await es256Jwk('kid-forged-001');
  // Another key under the legitimate kid: what a broker writer would announce to replace it.
  impostor = { ...(await es256Jwk('kid-legit-0001')) };
});

describe('jwkThumbprint (RFC 7638)', () => {
  it('is the RFC 7638 §3.1 example value', () => {
    const rfcExample = {
      kty: 'RSA',
      e: 'AQAB',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      kid: '2011-04-29',
      alg: 'RS256',
      use: 'sig',
    } as PublicJwk;
    expect(jwkThumbprint(rfcExample)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('ignores kid, alg and member order, and refuses a key missing a member', () => {
    expect(jwkThumbprint({ ...legit, kid: 'other-kid-0001' })).toBe(jwkThumbprint(legit));
    expect(jwkThumbprint(impostor)).not.toBe(jwkThumbprint(legit));
    expect(jwkThumbprint({ ...legit, y: undefined })).toBeNull();
  });
});

describe('VerificationKeySet: a key event alone trusts nothing', () => {
  it('keeps an announced kid a candidate until the JWKS publishes the same key', () => {
    const keys = new VerificationKeySet();
    expect(keys.announce(snapshot(legit))).toBe(true);
    expect(keys.has(legit.kid)).toBe(false);
    expect(keys.confirm([legit])).toEqual({ trusted: [legit.kid], mismatched: [], unpublished: [] });
    expect(keys.has(legit.kid)).toBe(true);
  });

  it('never trusts a kid the JWKS does not publish', () => {
    const keys = new VerificationKeySet();
    keys.announce(snapshot(forged));
    expect(keys.confirm([legit])).toEqual({
      trusted: [legit.kid],
      mismatched: [],
      unpublished: [forged.kid],
    });
    expect(keys.has(forged.kid)).toBe(false);
    expect(keys.isCandidate(forged.kid)).toBe(false);
  });

  it('trusts the key material the JWKS publishes, not the one an event announced under its kid', () => {
    const keys = new VerificationKeySet();
    keys.announce(snapshot(impostor));
    expect(keys.confirm([legit]).mismatched).toEqual([legit.kid]);
    const trusted = keys.get(legit.kid)!.key.export({ format: 'jwk' });
    expect(trusted.x).toBe(legit.x);
    // Once trusted, another event for the kid changes nothing.
    expect(keys.announce(snapshot(impostor))).toBe(false);
    expect(keys.get(legit.kid)!.key.export({ format: 'jwk' }).x).toBe(legit.x);
  });

  it('takes revocations from the topic alone, and a JWKS answer cannot bring a revoked kid back', () => {
    const keys = new VerificationKeySet();
    keys.trust(legit);
    keys.announce(snapshot(legit, 'revoked'));
    expect(keys.has(legit.kid)).toBe(false);
    keys.confirm([legit]);
    expect(keys.has(legit.kid)).toBe(false);
  });
});

describe('JwksKeyConfirmation', () => {
  it('confirms every replayed key with one fetch at start-up, and is not current before it', async () => {
    const keys = new VerificationKeySet();
    const jwks = new FakeJwks();
    const confirmation = new JwksKeyConfirmation(keys, jwks);
    const others = await Promise.all(['kid-other-0001', 'kid-other-0002'].map(es256Jwk));
    for (const jwk of [legit, ...others, forged]) keys.announce(snapshot(jwk));
    confirmation.onAnnounced();
    expect(jwks.fetches).toBe(0);
    expect(confirmation.initiallyConfirmed).toBe(false);

    jwks.published = [legit, ...others];
    await confirmation.confirmReplayed();
    expect(jwks.fetches).toBe(1);
    expect(confirmation.initiallyConfirmed).toBe(true);
    expect([legit, ...others].every((jwk) => keys.has(jwk.kid))).toBe(true);
    expect(keys.has(forged.kid)).toBe(false);
  });

  it('confirms a key announced later (a rotation) as soon as the rate limit allows', async () => {
    const keys = new VerificationKeySet();
    const jwks = new FakeJwks();
    const confirmation = new JwksKeyConfirmation(keys, jwks);
    await confirmation.confirmReplayed();
    jwks.published = [legit];
    keys.announce(snapshot(legit));
    confirmation.onAnnounced();
    await Promise.resolve();
    expect(keys.has(legit.kid)).toBe(true);
    confirmation.stop();
  });

  it('lets a token with an unknown kid cause one rate-limited fetch, and no more while limited', async () => {
    const keys = new VerificationKeySet();
    const jwks = new FakeJwks();
    const confirmation = new JwksKeyConfirmation(keys, jwks);
    await confirmation.confirmReplayed();
    jwks.limited = true;
    const before = jwks.fetches;
    for (let i = 0; i < 100; i++) expect(await confirmation.learn(`kid-random-${i}xx`)).toBeUndefined();
    expect(jwks.fetches).toBe(before);
    jwks.limited = false;
    jwks.published = [legit];
    expect(await confirmation.learn(legit.kid)).toBeDefined();
    expect(jwks.fetches).toBe(before + 1);
  });
});
