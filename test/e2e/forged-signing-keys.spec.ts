import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signingKeyCreated, TOPICS } from '@app/contracts';
import { createKafka, EventPublisher, kafkaSecurityFrom } from '@app/kafka';
import { TesseraTokenValidator } from '@app/resource-server';
import {
  addTestSubscriber,
  brokerIsSecured,
  post,
  removeTestSubscriber,
  type RunningService,
  testKafka,
} from '@app/testing';
import { startExtraIntrospection, extraInstancePort } from './support/extra-introspection';
import { managementAudience } from './support/management-api';

/**
 * Issue #20: the forged-key attack fails twice. A subscriber of the broker (an API team's principal)
 * cannot write `signing_key.created` at all: the broker refuses it. And a writer who can (here the
 * admin, a super user: as if the ACLs were relaxed) publishes a key of their own and signs tokens
 * with it; every validator refuses them, because a key is trusted only once the issuer's JWKS
 * publishes it (§4). The validators started here (an extra introspection, a resource server) replay
 * the topic before they are ready, so they have certainly seen the forged event when they answer.
 */
describe('a forged signing-key event is not trusted', () => {
  const stack = inject('stack');
  const repoRoot = process.cwd();
  const publisher = new EventPublisher(testKafka('e2e-forged-keys', stack.brokers));
  const subscriberName = `e2e-forger-${randomBytes(4).toString('hex')}`;
  const subscriber = brokerIsSecured()
    ? addTestSubscriber(repoRoot, subscriberName)
    : { security: kafkaSecurityFrom({ KAFKA_SECURITY_PROTOCOL: 'plaintext' }), env: {} };
  let introspection: RunningService | undefined;
  let validator: TesseraTokenValidator | undefined;

  afterAll(async () => {
    await validator?.close();
    await introspection?.stop();
    await publisher.disconnect();
    if (brokerIsSecured()) removeTestSubscriber(repoRoot, subscriberName);
  });

  it.skipIf(!brokerIsSecured())('refuses the write itself to a subscriber of the broker', async () => {
    const kid = `forged-${randomBytes(8).toString('hex')}`;
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { crv, x, y } = await exportJWK(publicKey);
    const publicJwk = { kty: 'EC' as const, crv, x, y, kid, alg: 'ES256' as const, use: 'sig' as const };
    const event = signingKeyCreated.create(
      { kid, alg: 'ES256', state: 'current', public_jwk: publicJwk },
      { correlationId: `e2e-forged-${kid}` },
    );
    const producer = createKafka({
      brokers: stack.brokers,
      clientId: `e2e-forger-${kid}`,
      security: subscriber.security,
      quiet: true,
    }).producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await expect(
        producer.send({
          topic: TOPICS.signingKeys.name,
          messages: [{ key: kid, value: JSON.stringify(event) }],
        }),
      ).rejects.toThrow(/not authorized|authorization failed/i);
    } finally {
      await producer.disconnect();
    }
  });

  it('leaves tokens signed by the forged key inactive at introspection, /userinfo, Management and resource servers', async () => {
    const kid = `forged-${randomBytes(8).toString('hex')}`;
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const publicJwk = {
      kty: 'EC' as const,
      crv: jwk.crv,
      x: jwk.x,
      y: jwk.y,
      kid,
      alg: 'ES256' as const,
      use: 'sig' as const,
    };
    const event = signingKeyCreated.create(
      { kid, alg: 'ES256', state: 'current', public_jwk: publicJwk },
      { correlationId: `e2e-forged-${kid}` },
    );
    await publisher.publish([{ topic: TOPICS.signingKeys.name, key: kid, value: JSON.stringify(event) }]);

    const now = Math.floor(Date.now() / 1000);
    const forge = (aud: string[], scope: string) =>
      new SignJWT({
        iss: stack.issuer,
        sub: `${stack.client.clientId}@clients`,
        aud,
        azp: stack.client.clientId,
        client_id: stack.client.clientId,
        scope,
        jti: randomBytes(12).toString('hex'),
        iat: now,
        exp: now + 600,
      })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .sign(privateKey);
    const apiToken = await forge(
      [stack.api.identifier, `${stack.issuer}userinfo`],
      ['openid', ...stack.api.scopes].join(' '),
    );
    const managementToken = await forge(
      [managementAudience(stack)],
      'read:signing_keys read:token_introspection read:users read:clients',
    );

    introspection = await startExtraIntrospection(stack, { name: 'forged-keys', port: 'keyTrust' });
    const introspectionUrl = `http://127.0.0.1:${extraInstancePort(stack, 'keyTrust')}`;
    for (const url of [introspectionUrl, stack.urls.introspection]) {
      const answer = await post(`${url}/oauth/introspect`, {
        token: apiToken,
        client_id: stack.client.clientId,
        client_secret: stack.client.clientSecret,
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ active: false });
      // A Management token signed by the forged key does not authenticate a caller either.
      const asCaller = await fetch(`${url}/oauth/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${managementToken}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: apiToken }),
      });
      expect(asCaller.status).toBe(401);
      const userinfo = await fetch(`${url}/userinfo`, { headers: { authorization: `Bearer ${apiToken}` } });
      expect(userinfo.status).toBe(401);
    }

    for (const base of [stack.urls.issuance, stack.urls.revocation, stack.urls.accountLinking]) {
      const response = await fetch(`${base}/api/v2/keys/signing`, {
        headers: { authorization: `Bearer ${managementToken}` },
      });
      // Routes a service does not serve answer 404 before authentication: only 401 proves the guard ran.
      if (response.status !== 404) expect(response.status).toBe(401);
    }
    const issuanceGuard = await fetch(`${stack.urls.issuance}/api/v2/keys/signing`, {
      headers: { authorization: `Bearer ${managementToken}` },
    });
    expect(issuanceGuard.status).toBe(401);

    validator = new TesseraTokenValidator({
      issuer: stack.issuer,
      audience: stack.api.identifier,
      jwksUri: `${stack.urls.issuance}/.well-known/jwks.json`,
      allowHttpJwks: true,
      kafka: {
        brokers: stack.brokers,
        clientId: `e2e-forged-keys-${randomBytes(4).toString('hex')}`,
        security: subscriber.security,
      },
    });
    await validator.ready();
    expect(await validator.validate(apiToken)).toEqual({
      ok: false,
      rejection: { kind: 'invalid_token', reason: 'unverified' },
    });
  });
});
