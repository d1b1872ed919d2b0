import { createHmac, createPublicKey, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { isParameterText } from '@app/contracts';
import { basicAuth, post, type HttpResult } from '@app/testing';

/**
 * RFC 7662 §2.2 and DESIGN §9 on hostile input: every token that Tessera did not issue, or that was
 * changed after it was issued, is exactly `200 {"active": false}` — never a 500, never a reason. Every
 * token here is built at runtime from the stack's own JWKS and keys made for the test.
 *
 * Why the claim checks (wrong iss/aud, expired, nbf in the future) are signed with a foreign key: the
 * test is an outsider, as an attacker is. Tessera's private keys are encrypted at rest in issuance's
 * database under a key generated for this stack run, and never leave issuance; so no test can sign a
 * bad-claims token with them. The tokens below carry our real kid where it makes the attack sharper.
 */
describe('introspection: hostile tokens are inactive, never errors', () => {
  const stack = inject('stack');
  const introspectUrl = `${stack.urls.introspection}/oauth/introspect`;
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };

  let issued: string;
  let publishedKeys: (JsonWebKey & { kid: string; alg: string })[];
  let ourKid: string;
  let foreign: { privateKey: CryptoKey; publicKey: CryptoKey };

  beforeAll(async () => {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    expect(response.status).toBe(200);
    issued = response.json.access_token as string;
    const jwks = (await (await fetch(`${stack.urls.issuance}/.well-known/jwks.json`)).json()) as {
      keys: typeof publishedKeys;
    };
    publishedKeys = jwks.keys;
    ourKid = header(issued).kid as string;
    expect(publishedKeys.map((key) => key.kid)).toContain(ourKid);
    foreign = await generateKeyPair('ES256', { extractable: true });
  });

  function introspect(token: string): Promise<HttpResult> {
    return post(introspectUrl, { token, ...credentials });
  }

  async function expectInactive(token: string): Promise<void> {
    const response = await introspect(token);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ active: false });
  }

  /** Claims as issuance would write them for the test API, valid for ten minutes. */
  function claims(overrides: JWTPayload = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: stack.issuer,
      sub: `${stack.client.clientId}@clients`,
      aud: stack.api.identifier,
      azp: stack.client.clientId,
      scope: stack.api.scopes.join(' '),
      gty: 'client-credentials',
      iat: now,
      exp: now + 600,
      jti: randomBytes(16).toString('base64url'),
      ...overrides,
    };
  }

  /**
   * Signs with the foreign key by hand rather than with jose's SignJWT, which (rightly) refuses to
   * produce some of the headers an attacker sends, such as an unknown `crit` extension.
   */
  async function signForeign(
    payload: unknown,
    protectedHeader: Record<string, unknown> = {},
  ): Promise<string> {
    return signRaw(encode({ alg: 'ES256', typ: 'JWT', kid: ourKid, ...protectedHeader }), encode(payload));
  }

  async function signRaw(encodedHeader: string, encodedPayload: string): Promise<string> {
    const signingInput = `${encodedHeader}.${encodedPayload}`;
    // WebCrypto's ECDSA signature is r‖s, the JWS encoding of ES256 (RFC 7518 §3.4).
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      foreign.privateKey,
      Buffer.from(signingInput),
    );
    return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
  }

  it('answers the untouched issued token as active (the control for everything below)', async () => {
    const response = await introspect(issued);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ active: true, client_id: stack.client.clientId });
  });

  it('alg none, in any spelling, with or without a signature', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const unsigned = `${encode({ alg, typ: 'JWT', kid: ourKid })}.${encode(claims())}`;
      await expectInactive(`${unsigned}.`);
      await expectInactive(`${unsigned}.${signatureOf(issued)}`);
    }
  });

  it('HS256 keyed with our published public keys (algorithm confusion)', async () => {
    for (const jwk of publishedKeys) {
      const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
      // Every form an HMAC confusion attack has used for "the public key as a secret".
      const secrets = [
        publicKey.export({ type: 'spki', format: 'pem' }),
        publicKey.export({ type: 'spki', format: 'der' }),
        JSON.stringify(jwk),
      ];
      for (const secret of secrets) {
        const signingInput = `${encode({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${encode(claims())}`;
        const mac = createHmac('sha256', secret).update(signingInput).digest('base64url');
        await expectInactive(`${signingInput}.${mac}`);
      }
    }
  });

  it('a key we do not publish, under a made-up kid that looks like ours', async () => {
    await expectInactive(await signForeign(claims(), { kid: randomBytes(16).toString('base64url') }));
  });

  it('a kid from our JWKS, signed with a foreign key', async () => {
    for (const { kid } of publishedKeys) await expectInactive(await signForeign(claims(), { kid }));
  });

  it('injected or malformed kids', async () => {
    const kids: unknown[] = [
      '../../../../dev/null',
      "' OR '1'='1",
      `${ourKid}\u0000`,
      `${ourKid}' --`,
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'x'.repeat(10_000),
      '',
      42,
      null,
      [ourKid],
      { kid: ourKid },
    ];
    for (const kid of kids) await expectInactive(await signForeign(claims(), { kid }));
    await expectInactive(await signForeign(claims(), { kid: undefined }));
  });

  it('jku, x5u, jwk, x5c and crit headers', async () => {
    const embedded = { ...(await exportJWK(foreign.publicKey)), kid: ourKid, alg: 'ES256', use: 'sig' };
    const headers: Record<string, unknown>[] = [
      { jku: 'https://attacker.example/.well-known/jwks.json' },
      { x5u: 'https://attacker.example/cert.pem' },
      // Embedded-key injection: the token brings the key it claims to be verified by.
      { jwk: embedded },
      { x5c: [randomBytes(64).toString('base64')] },
      { crit: ['exp'], exp: 0 },
      { crit: ['b64'], b64: false },
    ];
    for (const extra of headers) await expectInactive(await signForeign(claims(), extra));
  });

  it('nested JWTs: our real token wrapped as the payload of another', async () => {
    // RFC 7519 §5.2: `cty: JWT` says the payload is itself a JWT — here our real one, re-signed by a foreign key.
    await expectInactive(await signForeign(issued, { cty: 'JWT' }));
    await expectInactive(
      `${encode({ alg: 'none', cty: 'JWT' })}.${Buffer.from(issued).toString('base64url')}.`,
    );
    // Our own signature segment cannot vouch for someone else's header and payload.
    await expectInactive(
      `${encode({ alg: 'ES256', kid: ourKid, cty: 'JWT' })}.${encode(issued)}.${signatureOf(issued)}`,
    );
  });

  it('wrong iss, wrong aud, expired, nbf in the future (signed with a foreign key: see the header comment)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const variants: JWTPayload[] = [
      claims({ iss: 'https://attacker.example/' }),
      claims({ iss: stack.issuer.replace(/\/$/, '') }),
      claims({ aud: 'https://someone-else.example/' }),
      claims({ iat: now - 7200, exp: now - 3600 }),
      claims({ nbf: now + 3600 }),
    ];
    for (const payload of variants) {
      await expectInactive(await signForeign(payload));
      await expectInactive(await signForeign(payload, { kid: randomBytes(16).toString('base64url') }));
    }
  });

  it('our signature over changed claims (tampering)', async () => {
    const [head, , signature] = issued.split('.');
    const escalated = { ...decodeSegment(issued.split('.')[1]!), scope: 'read:things write:things admin' };
    await expectInactive(`${head}.${encode(escalated)}.${signature}`);
    await expectInactive(
      `${encode({ ...header(issued), alg: 'RS256' })}.${issued.split('.')[1]}.${signature}`,
    );
  });

  it('broken base64url and broken structure', async () => {
    const [head, body, signature] = issued.split('.') as [string, string, string];
    const broken = [
      `${head}+.${body}.${signature}`,
      `${head}.${body.replace(/.$/, '/')}.${signature}`,
      `${head}==.${body}.${signature}`,
      `${head}.${body}.${signature}=`,
      `${head}a.${body}.${signature}`, // length ≡ 1 (mod 4): no byte sequence encodes to it
      `${head}.${body}`,
      `${head}.${body}.${signature}.${signature}`,
      `..`,
      `${head}..${signature}`,
      ` ${issued}`,
      `${encode('not json')}.${body}.${signature}`,
      `${encode('[]')}.${body}.${signature}`,
      `${encode('null')}.${body}.${signature}`,
      `${Buffer.from('{"alg":"ES256","kid":"').toString('base64url')}.${body}.${signature}`,
    ];
    for (const token of broken) await expectInactive(token);
    // A line feed is no token character: the request is malformed (issue #14 §6, RFC 6749 Appendix A).
    const withNewline = await introspect(`${issued}\n`);
    expect(withNewline.status).toBe(400);
    expect(withNewline.json).toMatchObject({ error: 'invalid_request' });
  });

  it('non-UTF-8 bytes: in the decoded header, percent-encoded in the form, and raw in the body', async () => {
    const [, body, signature] = issued.split('.') as [string, string, string];
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]);
    await expectInactive(`${invalidUtf8.toString('base64url')}.${body}.${signature}`);
    const loneSurrogate = Buffer.from(`{"alg":"ES256","kid":"\\ud800${ourKid}"}`).toString('base64url');
    await expectInactive(`${loneSurrogate}.${body}.${signature}`);

    const form = new URLSearchParams(credentials).toString();
    const percentEncoded = await post(introspectUrl, `${form}&token=%FF%FE%C3%28.%80.%BF`, {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(percentEncoded.status).toBe(200);
    expect(percentEncoded.json).toEqual({ active: false });

    // Raw bytes ≥ 0x80 have no place in a form body (WHATWG URL §5.2: the urlencoded serializer
    // percent-encodes them, as above), yet a token is what the caller says it is: the body is read as
    // bytes and decoded as UTF-8 with replacement characters, which no token of ours contains, so the
    // token is simply inactive (issue #4 "Bad input"), in a form and in JSON alike.
    const rawBytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
    const rawForm = Buffer.concat([
      Buffer.from(`${form}&token=`),
      rawBytes,
      Buffer.from(`.${body}.${signature}`),
    ]);
    const rawJson = Buffer.concat([
      Buffer.from(`${JSON.stringify(credentials).slice(0, -1)},"token":"`),
      rawBytes,
      Buffer.from(`.${body}.${signature}"}`),
    ]);
    // Random high bytes only: raw control bytes make a malformed form (400), tested in slice-bad-input.
    const rawOpaque = Buffer.concat([
      Buffer.from(`${form}&token=`),
      rawBytes,
      randomBytes(40).map((byte) => byte | 0x80),
    ]);
    for (const [contentType, raw] of [
      ['application/x-www-form-urlencoded', rawForm],
      ['application/json', rawJson],
      ['application/x-www-form-urlencoded', rawOpaque],
    ] as const) {
      const response = await fetch(introspectUrl, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: raw,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ active: false });
    }
    // Raw control bytes are no form at all (no serializer emits them): 400 invalid_request.
    const rawNul = await fetch(introspectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.concat([Buffer.from(`${form}&token=`), Buffer.from([0x00, 0x01]), Buffer.from('abc')]),
    });
    expect(rawNul.status).toBe(400);
    expect(await rawNul.json()).toMatchObject({ error: 'invalid_request' });
    // The same bytes in the client id fail authentication as any unknown client does.
    const rawClient = Buffer.concat([
      Buffer.from('client_id='),
      rawBytes,
      Buffer.from('&client_secret=x&token=y'),
    ]);
    const refused = await fetch(introspectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: rawClient,
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('a 1 MB token, opaque-looking and JWT-shaped', async () => {
    const megabyte = 1024 * 1024;
    await expectInactive('a'.repeat(megabyte));
    const [head, , signature] = issued.split('.');
    await expectInactive(`${head}.${'A'.repeat(megabyte)}.${signature}`);
  });

  it('a missing token is 400 invalid_request', async () => {
    for (const body of [credentials, { ...credentials, token: '' }]) {
      const response = await post(introspectUrl, body);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('a bad caller is 401 invalid_client, whatever the token', async () => {
    const callers: { body: Record<string, string>; headers?: Record<string, string> }[] = [
      { body: { client_id: stack.client.clientId, client_secret: 'wrong' } },
      { body: { client_id: `unknown-${randomUUID()}`, client_secret: stack.client.clientSecret } },
      { body: {}, headers: { authorization: basicAuth(stack.client.clientId, 'wrong') } },
      { body: {}, headers: { authorization: 'Basic !!!not-base64!!!' } },
    ];
    for (const caller of callers) {
      const response = await post(
        introspectUrl,
        { ...caller.body, token: issued },
        { headers: caller.headers },
      );
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: 'invalid_client' });
    }
  });

  describe('property: nothing we did not issue is ever active, and nothing is ever a 500', () => {
    /** Our token's exact header and payload text, and its signature bytes (see `isTheIssuedToken`). */
    function isTheIssuedToken(candidate: string): boolean {
      const parts = candidate.split('.');
      const original = issued.split('.');
      if (parts.length !== 3 || parts[0] !== original[0] || parts[1] !== original[1]) return false;
      // The signature segment's last character carries unused bits: a different character can decode to the
      // same signature bytes (base64 malleability). That is still the token we issued, byte for byte.
      return (
        /^[A-Za-z0-9_-]+$/.test(parts[2]!) &&
        Buffer.from(parts[2]!, 'base64url').equals(Buffer.from(original[2]!, 'base64url'))
      );
    }

    async function checkCandidate(candidate: string): Promise<void> {
      const response = await introspect(candidate);
      expect(response.status).not.toBe(500);
      // What the service receives: the form encoder turns unpaired surrogates into U+FFFD.
      const received = new URLSearchParams({ token: candidate }).get('token')!;
      // Issue #14 §6: a control character (other than HT) makes the request malformed, whatever the token.
      if (candidate === '' || !isParameterText(received)) {
        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ error: 'invalid_request' });
        return;
      }
      expect(response.status).toBe(200);
      if (!isTheIssuedToken(candidate)) expect(response.json).toEqual({ active: false });
    }

    const base64urlChar = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
    );
    const anyChar = fc.oneof(base64urlChar, fc.constantFrom('.', '=', '+', '/', ' ', '%', '\u0000', 'é'));

    it('random strings', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string()),
          checkCandidate,
        ),
        { numRuns: 150 },
      );
    });

    it('random JWT-shaped tokens with our kid and random headers, claims and signatures', async () => {
      const headerArb = fc.record(
        {
          alg: fc.constantFrom('ES256', 'RS256', 'PS256', 'EdDSA', 'HS256', 'none', 'ES384'),
          kid: fc.oneof(fc.constant(ourKid), fc.string()),
          typ: fc.constantFrom('JWT', 'at+jwt'),
          crit: fc.array(fc.string()),
        },
        { requiredKeys: ['alg'] },
      );
      const tokenArb = fc
        .tuple(headerArb, fc.jsonValue(), fc.uint8Array({ maxLength: 300 }))
        .map(([head, payload, signature]) =>
          [encode(head), encode(payload), Buffer.from(signature).toString('base64url')].join('.'),
        );
      await fc.assert(fc.asyncProperty(tokenArb, checkCandidate), { numRuns: 150 });
    });

    it('mutations of a real issued token: flipped characters, swapped segments, truncation', async () => {
      const length = issued.length;
      const flipped = fc
        .array(fc.tuple(fc.nat(length - 1), anyChar), { minLength: 1, maxLength: 4 })
        .map((flips) => {
          const chars = issued.split('');
          for (const [at, char] of flips) chars[at] = char;
          return chars.join('');
        });
      const segments = issued.split('.');
      const swapped = fc
        .array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 4 })
        .map((indexes) => indexes.map((index) => segments[index]!).join('.'));
      const truncated = fc.nat(length - 1).map((cut) => issued.slice(0, cut));
      const prefixedOrSuffixed = fc
        .tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
        .map(([before, after]) => `${before}${issued}${after}`);
      await fc.assert(
        fc.asyncProperty(fc.oneof(flipped, swapped, truncated, prefixedOrSuffixed), checkCandidate),
        { numRuns: 300 },
      );
    });
  });
});

function encode(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text ?? 'null').toString('base64url');
}

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function header(token: string): Record<string, unknown> {
  return decodeSegment(token.split('.')[0]!);
}

function signatureOf(token: string): string {
  return token.split('.')[2]!;
}
