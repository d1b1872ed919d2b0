import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReadinessRegistry } from '@app/http';
import { AccessTokenVerifier, RevocationList, TokenStateGate, VerificationKeySet } from '@app/jwt';
import { ManagementAuthGuard } from './management-auth.guard';
import { callerOf } from './management-caller';
import { ManagementError } from './management-error';
import { REQUIRED_ALL_SCOPES, REQUIRED_SCOPES } from './management-options';

const ISSUER = 'https://tessera.test/';
const AUDIENCE = `${ISSUER}api/v2/`;
const KID = 'unit-test-key-1';

/** A route handler declaring `scopes`, and a request carrying `authorization`. */
function routeContext(scopes: string[] | undefined, authorization?: string, allOf?: string[]) {
  const handler = () => undefined;
  if (scopes) Reflect.defineMetadata(REQUIRED_SCOPES, scopes, handler);
  if (allOf) Reflect.defineMetadata(REQUIRED_ALL_SCOPES, allOf, handler);
  const request = { headers: authorization === undefined ? {} : { authorization } };
  const context = {
    getHandler: () => handler,
    getClass: () => class Route {},
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('ManagementAuthGuard', () => {
  let privateKey: CryptoKey;
  let guard: ManagementAuthGuard;
  const revocations = new RevocationList();
  const tokenState = new TokenStateGate(new ReadinessRegistry(), { maxStreamLagMs: 1_000 });
  const revocationStream = { caughtUp: true, lag: 0, lagMs: () => revocationStream.lag };
  tokenState.register('revocations', revocationStream);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const keys = new VerificationKeySet();
    const jwk = await exportJWK(pair.publicKey);
    keys.trust({ kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid: KID, alg: 'ES256', use: 'sig' });
    guard = new ManagementAuthGuard(
      new Reflector(),
      new AccessTokenVerifier(keys, null, { issuer: ISSUER }),
      revocations,
      tokenState,
      {
        audience: AUDIENCE,
      },
    );
  });

  const sign = (claims: Record<string, unknown>, audience: string | string[] = AUDIENCE) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject('abc@clients')
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

  async function refusal(scopes: string[] | undefined, authorization?: string) {
    const { context } = routeContext(scopes, authorization);
    try {
      await guard.canActivate(context);
    } catch (error) {
      if (error instanceof ManagementError) return error.toBody();
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it('lets a token with any one of the scopes through and records the caller', async () => {
    const token = await sign({ scope: 'read:clients update:users', azp: 'abc' });
    const { context, request } = routeContext(['read:client_keys', 'read:clients'], `Bearer ${token}`);
    expect(await guard.canActivate(context)).toBe(true);
    expect(callerOf(request as never)).toMatchObject({ sub: 'abc@clients', clientId: 'abc' });
  });

  it('answers 503 with Retry-After, even to a good token, while the revocations are not current', async () => {
    const token = await sign({ scope: 'read:clients', azp: 'abc' });
    for (const [caughtUp, lag] of [
      [false, 0],
      [true, 1_001],
    ] as const) {
      Object.assign(revocationStream, { caughtUp, lag });
      const { context } = routeContext(['read:clients'], `Bearer ${token}`);
      const refused = await guard.canActivate(context).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ManagementError);
      expect((refused as ManagementError).toBody()).toMatchObject({
        statusCode: 503,
        errorCode: 'temporarily_unavailable',
      });
      expect((refused as ManagementError).headers['retry-after']).toBe('1');
    }
    Object.assign(revocationStream, { caughtUp: true, lag: 1_000 });
    expect(await guard.canActivate(routeContext(['read:clients'], `Bearer ${token}`).context)).toBe(true);
  });

  it('accepts the audience inside an array', async () => {
    const token = await sign({ scope: 'read:clients' }, ['https://other/', AUDIENCE]);
    expect(await guard.canActivate(routeContext(['read:clients'], `Bearer ${token}`).context)).toBe(true);
  });

  it('answers 401 for a missing, malformed, foreign or mis-addressed token', async () => {
    expect(await refusal(['read:clients'])).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing authentication',
    });
    expect((await refusal(['read:clients'], 'Basic YTpi')).message).toBe('Invalid token');
    expect((await refusal(['read:clients'], 'Bearer a.b.c')).message).toBe('Invalid token');
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ scope: 'read:clients' })
      .setProtectedHeader({ alg: 'ES256', kid: KID })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(other.privateKey);
    expect((await refusal(['read:clients'], `Bearer ${forged}`)).message).toBe('Invalid token');
    const elsewhere = await sign({ scope: 'read:clients' }, 'https://api.example/');
    expect((await refusal(['read:clients'], `Bearer ${elsewhere}`)).message).toBe('Bad audience');
  });

  it('answers 401 for a token revoked on the revocation stream, by jti or by client not-before', async () => {
    const byJti = await sign({ scope: 'read:clients', jti: 'revoked-jti' });
    const { context } = routeContext(['read:clients'], `Bearer ${byJti}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    const revocation = {
      expires_at: null,
      reason: 'admin',
      revoked_by: { kind: 'system' },
      revoked_at: new Date().toISOString(),
    } as const;
    revocations.apply({ ...revocation, target: { kind: 'jti', jti: 'revoked-jti' } });
    expect((await refusal(['read:clients'], `Bearer ${byJti}`)).message).toBe('Invalid token');

    const byClient = await sign({ scope: 'read:clients', jti: 'other-jti', azp: 'client-revoked' });
    revocations.apply({
      ...revocation,
      target: { kind: 'client', client_id: 'client-revoked', not_before: Math.floor(Date.now() / 1000) },
    });
    expect((await refusal(['read:clients'], `Bearer ${byClient}`)).message).toBe('Invalid token');
  });

  it("answers 403 insufficient_scope with Auth0's message", async () => {
    const token = await sign({ scope: 'read:users' });
    expect(await refusal(['create:clients'], `Bearer ${token}`)).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope; expected any of: create:clients.',
      errorCode: 'insufficient_scope',
    });
  });

  it('needs every scope of a route that declares them together, naming those missing', async () => {
    const both = await sign({ scope: 'delete:sessions delete:refresh_tokens' });
    const allOf = ['delete:sessions', 'delete:refresh_tokens'];
    expect(await guard.canActivate(routeContext(undefined, `Bearer ${both}`, allOf).context)).toBe(true);
    const one = await sign({ scope: 'delete:sessions read:sessions' });
    const { context } = routeContext(undefined, `Bearer ${one}`, allOf);
    const refused = await guard.canActivate(context).catch((error: unknown) => error);
    expect((refused as ManagementError).toBody()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope; expected all of: delete:refresh_tokens.',
      errorCode: 'insufficient_scope',
    });
  });

  it('refuses every caller of a route that declares no scopes (fail closed)', async () => {
    const token = await sign({ scope: 'read:clients' });
    expect((await refusal(undefined, `Bearer ${token}`)).statusCode).toBe(403);
  });
});
