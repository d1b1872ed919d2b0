import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { post, type RunningService } from '@app/testing';
import { extraInstancePort, startExtraIntrospection } from './support/extra-introspection';

/**
 * Issue #20 §4: tokens with random kids cannot make a validator hammer the JWKS. An introspection
 * instance reads a JWKS that counts its requests (a pass-through to issuance's) with a one-hour rate
 * limit: after its start-up fetch, a burst of hostile tokens causes at most one more fetch.
 */
describe('JWKS fetches under hostile kids', () => {
  const stack = inject('stack');
  let requests = 0;
  let jwks: Server;
  let introspection: RunningService | undefined;

  beforeAll(async () => {
    jwks = createServer((_request, response) => {
      requests++;
      void fetch(`${stack.urls.issuance}/.well-known/jwks.json`)
        .then((upstream) => upstream.text())
        .then((body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const port = (jwks.address() as { port: number }).port;
    introspection = await startExtraIntrospection(stack, {
      name: 'jwks-rate-limit',
      port: 'keyTrust',
      env: {
        TESSERA_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        TESSERA_JWKS_MIN_INTERVAL_SECONDS: '3600',
      },
    });
  });

  afterAll(async () => {
    await introspection?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('fetches once at start-up, and at most once more for a burst of tokens with random kids', async () => {
    expect(requests).toBe(1);
    const { privateKey } = await generateKeyPair('ES256');
    const url = `http://127.0.0.1:${extraInstancePort(stack, 'keyTrust')}/oauth/introspect`;
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 30; i++) {
      const token = await new SignJWT({
        iss: stack.issuer,
        sub: 'x',
        scope: 's',
        jti: `j${i}`,
        iat: now,
        exp: now + 60,
      })
        .setProtectedHeader({ alg: 'ES256', kid: `random-${randomBytes(8).toString('hex')}` })
        .sign(privateKey);
      const answer = await post(url, {
        token,
        client_id: stack.client.clientId,
        client_secret: stack.client.clientSecret,
      });
      expect(answer.json).toEqual({ active: false });
    }
    expect(requests).toBeLessThanOrEqual(2);
  });
});
