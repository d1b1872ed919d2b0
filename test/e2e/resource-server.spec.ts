import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AccessTokenClaims,
  accessTokenClaimsOf,
  RequireScopes,
  TesseraAuthGuard,
  TesseraResourceServerModule,
  tesseraFastifyHook,
  TesseraTokenValidator,
  EventHandlerErrors,
  EventStreamContext,
  tesseraEvents,
  type TesseraEvent,
  type TesseraAccessTokenClaims,
  type TesseraTokenValidatorOptions,
  kafkaSecurityFrom,
} from '@app/resource-server';
import { addTestSubscriber, brokerIsSecured, eventually, post, removeTestSubscriber } from '@app/testing';

/**
 * An API team's view of Tessera: the example things API (`scripts/examples/resource-server-api`,
 * Express, run as its own process) and in-process Fastify and Nest apps validate access tokens
 * locally with `@tessera/resource-server`, and refuse a revoked token once the revocation event
 * reaches them over Kafka — without ever calling introspection.
 */
describe('resource-server library against the running stack', () => {
  const stack = inject('stack');
  const repoRoot = resolve(process.cwd());
  const basePort = Number(process.env.TESSERA_TEST_BASE_PORT ?? 4101);
  // The stack uses base+0..4; the APIs of this file take the next three ports of our range.
  const ports = { express: basePort + 5, fastify: basePort + 6, nest: basePort + 7 };
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  // The APIs log in to the broker as an API team's read-only subscriber (issue #20 §3), not as Tessera.
  const subscriberName = `e2e-things-${randomBytes(4).toString('hex')}`;
  const subscriber = brokerIsSecured()
    ? addTestSubscriber(repoRoot, subscriberName)
    : { security: kafkaSecurityFrom({ KAFKA_SECURITY_PROTOCOL: 'plaintext' }), env: {} };
  const validatorOptions: TesseraTokenValidatorOptions = {
    issuer: stack.issuer,
    audience: stack.api.identifier,
    jwksUri: `${stack.urls.issuance}/.well-known/jwks.json`,
    allowHttpJwks: true,
    kafka: {
      brokers: stack.brokers,
      clientId: `resource-server-e2e-${randomBytes(4).toString('hex')}`,
      security: subscriber.security,
    },
  };

  let thingsApi: ChildProcess;
  let thingsUrl: string;

  beforeAll(async () => {
    thingsApi = await startThingsApi();
    thingsUrl = `http://127.0.0.1:${ports.express}/things`;
  });

  afterAll(async () => {
    if (thingsApi && thingsApi.exitCode === null) {
      const exited = new Promise((done) => thingsApi.once('exit', done));
      thingsApi.kill('SIGTERM');
      await exited;
    }
    if (brokerIsSecured()) removeTestSubscriber(repoRoot, subscriberName);
  });

  async function startThingsApi(): Promise<ChildProcess> {
    const logDir = join(repoRoot, '.tessera', 'logs');
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(join(logDir, 'test-things-api.log'), { flags: 'w' });
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist/scripts/examples/resource-server-api/main.js')],
      {
        env: {
          PATH: process.env.PATH,
          TESSERA_ISSUER: stack.issuer,
          TESSERA_AUDIENCE: stack.api.identifier,
          TESSERA_JWKS_URL: `${stack.urls.issuance}/.well-known/jwks.json`,
          TESSERA_JWKS_ALLOW_HTTP: 'true',
          ...subscriber.env,
          KAFKA_BROKERS: stack.brokers.join(','),
          PORT: String(ports.express),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const healthy = await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error('the things API exited (see .tessera/logs/test-things-api.log)');
        try {
          return (await fetch(`http://127.0.0.1:${ports.express}/health`)).ok;
        } catch {
          return false;
        }
      },
      30_000,
      100,
    );
    expect(healthy).toBe(true);
    return child;
  }

  async function issue(audience = stack.api.identifier, scope?: string): Promise<string> {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience,
      ...(scope ? { scope } : {}),
      ...credentials,
    });
    expect(response.status).toBe(200);
    return response.json.access_token as string;
  }

  async function revoke(token: string): Promise<void> {
    const response = await post(`${stack.urls.revocation}/oauth/revoke`, { token, ...credentials });
    expect(response.status).toBe(200);
  }

  function get(url: string, token?: string): Promise<Response> {
    return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  /**
   * A token as Tessera would write it, signed with a key Tessera never published. Expired and
   * not-yet-valid tokens can only be made this way: Tessera's private keys never leave issuance
   * (encrypted at rest under a key made for this stack run), and this test is an outsider.
   */
  async function foreignToken(claims: JWTPayload = {}): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    const jwks = (await (await fetch(validatorOptions.jwksUri)).json()) as { keys: { kid: string }[] };
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ azp: stack.client.clientId, scope: 'read:things', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwks.keys[0]!.kid })
      .setIssuer(stack.issuer)
      .setSubject(`${stack.client.clientId}@clients`)
      .setAudience(stack.api.identifier)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti(randomBytes(16).toString('base64url'))
      .sign(privateKey);
  }

  async function expectInvalidToken(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is invalid or has expired"',
    );
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is invalid or has expired',
    });
  }

  describe('the Express example API', () => {
    it('serves a valid token, with its claims available to the handler', async () => {
      const response = await get(thingsUrl, await issue());
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        things: [{ id: 1, name: 'teapot' }],
        caller: `${stack.client.clientId}@clients`,
      });
    });

    it('challenges a request without a token (RFC 6750 §3.1: no error code)', async () => {
      const response = await get(thingsUrl);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      const malformed = await fetch(thingsUrl, { headers: { authorization: 'Bearer two tokens' } });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses foreign, expired, not-yet-valid and wrong-audience tokens with 401 invalid_token', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectInvalidToken(await get(thingsUrl, await foreignToken()));
      await expectInvalidToken(
        await get(thingsUrl, await foreignToken({ iat: now - 7200, exp: now - 3600 })),
      );
      await expectInvalidToken(await get(thingsUrl, await foreignToken({ nbf: now + 3600 })));
      // A real Tessera token, signed by Tessera, but for another API.
      await expectInvalidToken(await get(thingsUrl, await issue(stack.rfc9068Api.identifier)));
    });

    it('answers a token without the route scope 403 insufficient_scope', async () => {
      const writeOnly = await issue(stack.api.identifier, 'write:things');
      const response = await get(thingsUrl, writeOnly);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(response.headers.get('www-authenticate')).toContain('scope="read:things"');
      expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
      const created = await fetch(thingsUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${writeOnly}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'kettle' }),
      });
      expect(created.status).toBe(201);
    });

    it('refuses a token shortly after POST /oauth/revoke, from the revocation event alone', async () => {
      const token = await issue();
      expect((await get(thingsUrl, token)).status).toBe(200);
      await revoke(token);
      const revokedAt = Date.now();
      expect(await eventually(async () => (await get(thingsUrl, token)).status === 401, 5000, 10)).toBe(true);
      console.log(
        `things API refused the revoked token ${Date.now() - revokedAt} ms after /oauth/revoke answered`,
      );
      await expectInvalidToken(await get(thingsUrl, token));
    });
  });

  describe('a validator started after the revocation', () => {
    it('refuses everything until ready(), then refuses the revoked token and accepts a live one', async () => {
      const revoked = await issue();
      await revoke(revoked);
      // Let the revocation reach the topic before the new validator is even created.
      expect(await eventually(async () => (await get(thingsUrl, revoked)).status === 401, 5000, 10)).toBe(
        true,
      );
      const live = await issue();

      const validator = new TesseraTokenValidator(validatorOptions);
      try {
        expect(await validator.validate(live)).toEqual({ ok: false, rejection: { kind: 'not_ready' } });
        await validator.ready();
        expect(await validator.validate(revoked)).toEqual({
          ok: false,
          rejection: { kind: 'invalid_token', reason: 'revoked' },
        });
        expect(await validator.validate(live)).toMatchObject({
          ok: true,
          claims: { aud: stack.api.identifier },
        });
        expect(await validator.validate(live, ['delete:everything'])).toEqual({
          ok: false,
          rejection: { kind: 'insufficient_scope', requiredScopes: ['delete:everything'] },
        });
      } finally {
        await validator.close();
      }
    });
  });

  describe('the Fastify onRequest hook', () => {
    let app: FastifyInstance;
    let validator: TesseraTokenValidator;

    beforeAll(async () => {
      validator = new TesseraTokenValidator(validatorOptions);
      await validator.ready();
      app = Fastify();
      app.addHook('onRequest', tesseraFastifyHook(validator, { requiredScopes: ['read:things'] }));
      app.get('/things', (request) => ({ caller: accessTokenClaimsOf(request)?.sub }));
      await app.listen({ host: '127.0.0.1', port: ports.fastify });
    });

    afterAll(async () => {
      await app?.close();
      await validator?.close();
    });

    it('serves a valid token and refuses missing, foreign, under-scoped and revoked ones', async () => {
      const url = `http://127.0.0.1:${ports.fastify}/things`;
      const token = await issue();
      const response = await get(url, token);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ caller: `${stack.client.clientId}@clients` });
      expect((await get(url)).status).toBe(401);
      await expectInvalidToken(await get(url, await foreignToken()));
      expect((await get(url, await issue(stack.api.identifier, 'write:things'))).status).toBe(403);
      await revoke(token);
      expect(await eventually(async () => (await get(url, token)).status === 401, 5000, 10)).toBe(true);
    });
  });

  describe('the Nest guard', () => {
    @Controller('things')
    @UseGuards(TesseraAuthGuard)
    class ThingsController {
      @Get()
      @RequireScopes('read:things')
      list(@AccessTokenClaims() claims: TesseraAccessTokenClaims) {
        return { caller: claims.sub };
      }
    }

    /** What the API's event handler was told, by jti (issue #16 §4: reacting from a Nest API). */
    const revokedJtis = new Map<string, { sub?: string; clientId?: string; topic: string }>();

    @Controller()
    class RevocationReactions {
      @EventPattern('access_token.revoked')
      tokenRevoked(
        @Payload() event: TesseraEvent<'access_token.revoked'>,
        @Ctx() where: EventStreamContext,
      ): void {
        const { target, sub, client_id: clientId } = event.payload;
        if (target.kind === 'jti') revokedJtis.set(target.jti, { sub, clientId, topic: where.getTopic() });
      }
    }

    @Module({
      imports: [TesseraResourceServerModule.forRoot({ ...validatorOptions, realm: 'things' })],
      controllers: [ThingsController, RevocationReactions],
    })
    class ThingsModule {}

    let app: NestFastifyApplication;

    beforeAll(async () => {
      app = await NestFactory.create<NestFastifyApplication>(ThingsModule, new FastifyAdapter(), {
        logger: false,
      });
      // Its event handlers, over Kafka, with the API's own subscriber login and consumer group.
      app
        .connectMicroservice({
          strategy: tesseraEvents({ kafka: validatorOptions.kafka, name: `${subscriberName}-nest` }),
        })
        .useGlobalFilters(new EventHandlerErrors());
      await app.startAllMicroservices();
      await app.listen(ports.nest, '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
    });

    it('serves a valid token and answers refusals with the same challenges', async () => {
      const url = `http://127.0.0.1:${ports.nest}/things`;
      const token = await issue();
      const response = await get(url, token);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ caller: `${stack.client.clientId}@clients` });

      const missing = await get(url);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="things"');

      const foreign = await get(url, await foreignToken());
      expect(foreign.status).toBe(401);
      expect(foreign.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await foreign.json()).toMatchObject({ error: 'invalid_token' });

      const underScoped = await get(url, await issue(stack.api.identifier, 'write:things'));
      expect(underScoped.status).toBe(403);
      expect(underScoped.headers.get('www-authenticate')).toContain('scope="read:things"');

      await revoke(token);
      expect(await eventually(async () => (await get(url, token)).status === 401, 5000, 10)).toBe(true);
    });

    it('reacts to the revocation with a decorated method (@EventPattern, @Payload, @Ctx), which learns whose token it was', async () => {
      const token = await issue();
      const jti = (
        JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string }
      ).jti;
      await revoke(token);
      expect(await eventually(() => Promise.resolve(revokedJtis.has(jti)), 15_000, 20)).toBe(true);
      expect(revokedJtis.get(jti)).toEqual({
        sub: `${stack.client.clientId}@clients`,
        clientId: stack.client.clientId,
        topic: 'tessera.tokens.revoked.v1',
      });
    });
  });
});
