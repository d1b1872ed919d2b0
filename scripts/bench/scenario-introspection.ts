import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { redisKeys, type OpaqueTokenRecord } from '@app/contracts';
import { httpContender } from './contender';
import { FormPoster } from './form-post';
import { runInterleaved } from './interleaved-reps';
import { joseVerifyContender } from './jose-contender';
import { SERVER_CPUS } from './run-load';
import { failureWarnings, type ScenarioReport } from './scenario-report';
import {
  bareContender,
  distinctTokenContender,
  FORM,
  formBody,
  repPlan,
  type ScenarioContext,
} from './scenario-context';
import { summarize } from './summary';

/** The Redis every stack of libs/testing uses (its services get `REDIS_URL` set to it). */
const STACK_REDIS_URL = 'redis://127.0.0.1:6379';

/** Tokens jose's verify loop cycles through (it keeps no cache, so reuse costs it the same). */
const JOSE_TOKENS = 20_000;

/**
 * `POST /oauth/introspect` (client_secret_post) in three cases:
 * (a) the same valid JWT on every request — what a verified-token cache would serve;
 * (b) a JWT the instance has never seen on every request, also compared with jose's raw `jwtVerify`
 *     rate on the same core, which is that case's ceiling (signature verification dominates);
 * (c) an opaque access token, looked up in the shared Redis store on every request (opaque tokens
 *     have no verification to cache). The bench writes the record exactly as issuance does, following
 *     the contract (libs/contracts `redisKeys.opaqueToken`), so it needs no user or password grant.
 */
export async function benchIntrospection(context: ScenarioContext): Promise<ScenarioReport> {
  const { info } = context.env.stack;
  const url = `${info.urls.introspection}/oauth/introspect`;
  const credentials = { client_id: info.client.clientId, client_secret: info.client.clientSecret };

  const pool = await context.pools.sharedPool();
  const poster = new FormPoster(1);
  let sameToken: string;
  const opaque = await storeOpaqueToken(context);
  try {
    sameToken = await mintOne(poster, context);
    await expectActive(poster, url, sameToken, credentials);
    await expectActive(poster, url, opaque.token, credentials);
  } catch (error) {
    await opaque.remove();
    throw error;
  } finally {
    poster.close();
  }
  const bare = bareContender(context);
  const cached = httpContender({
    name: '(a) introspect, same JWT',
    serverPid: context.env.service('introspection').process.pid!,
    job: (durationSeconds) => ({
      url,
      connections: context.options.connections,
      durationSeconds,
      headers: FORM,
      body: formBody({ token: sameToken, ...credentials }),
    }),
  });
  const opaqueContender = httpContender({
    name: '(c) introspect, opaque via Redis',
    serverPid: context.env.service('introspection').process.pid!,
    job: (durationSeconds) => ({
      url,
      connections: context.options.connections,
      durationSeconds,
      headers: FORM,
      body: formBody({ token: opaque.token, ...credentials }),
    }),
  });
  const distinct = distinctTokenContender(context, {
    name: '(b) introspect, distinct JWTs',
    instance: 'introspection',
    url,
    tokens: pool.cursor(),
    params: credentials,
  });
  const joseJob = {
    tokens: pool.sample(JOSE_TOKENS),
    jwksUrl: `${info.urls.issuance}/.well-known/jwks.json`,
    issuer: info.issuer,
  };
  // The reference is jose's raw rate, one verification after the other; with as many in
  // flight as there are connections WebCrypto overlaps them, which is the ceiling (b) actually faces.
  const jose = joseVerifyContender('jose jwtVerify, 1 at a time', SERVER_CPUS, { ...joseJob, inFlight: 1 });
  const joseConcurrent = joseVerifyContender(
    `jose jwtVerify, ${context.options.connections} in flight`,
    SERVER_CPUS,
    { ...joseJob, inFlight: context.options.connections },
  );

  // (b) runs right before jose's loop, the rate it is compared with, so that a slow phase of the host
  // falls on both alike; (a) and (c) stay next to bare.
  const result = await runInterleaved(
    [bare, cached, opaqueContender, distinct, jose, joseConcurrent],
    repPlan(context.options),
    context.log,
  ).finally(() => opaque.remove());
  const reps = (name: string) => result.reps[name]!;
  const rows = [
    summarize({ label: bare.name, unit: 'req/s', reps: reps(bare.name) }),
    summarize({
      label: cached.name,
      unit: 'req/s',
      reps: reps(cached.name),
      bare: reps(bare.name),
      target: { of: 'bare', atLeast: 0.6 },
    }),
    summarize({
      label: distinct.name,
      unit: 'req/s',
      reps: reps(distinct.name),
      bare: reps(bare.name),
      references: [
        { of: 'jose 1-at-a-time', reps: reps(jose.name) },
        { of: `jose ×${context.options.connections}`, reps: reps(joseConcurrent.name) },
      ],
      target: { of: 'jose 1-at-a-time', atLeast: 0.75 },
    }),
    summarize({
      label: opaqueContender.name,
      unit: 'req/s',
      reps: reps(opaqueContender.name),
      bare: reps(bare.name),
      target: { of: 'bare', atLeast: 0.5 },
    }),
    ...[jose, joseConcurrent].map((contender) =>
      summarize({
        label: contender.name,
        unit: 'verifies/s',
        reps: reps(contender.name),
        bare: reps(bare.name),
      }),
    ),
  ];
  const distinctSent = [result.warmups[distinct.name], ...reps(distinct.name)].reduce(
    (total, run) => total + (run?.load?.tokensUsed ?? 0),
    0,
  );
  const lines = [
    `  (b) pool: ${pool.size.toLocaleString('en-US')} distinct tokens minted before the run ` +
      `(${pool.mintSeconds.toFixed(0)} s), ${distinctSent.toLocaleString('en-US')} used; none sent twice.`,
    "  jose rows: jwtVerify with the service's options (issuer, alg of the key, exp/iat required) on pool " +
      'tokens, in a process pinned to CPU 0 like the services; at most 4 s per rep.',
    '  (c) one opaque access token whose record the bench wrote into Redis per the contract ' +
      '(no user and password grant needed); every request is a Redis GET.',
  ];
  return {
    scenario: 'introspection',
    rows,
    lines,
    warnings: failureWarnings(rows),
    data: { reps: result.reps, warmups: result.warmups, pool: { size: pool.size, used: distinctSent } },
  };
}

/** One opaque access token of the stack's client, stored as issuance would store it; `remove` cleans up. */
async function storeOpaqueToken(
  context: ScenarioContext,
): Promise<{ token: string; remove: () => Promise<void> }> {
  const { info } = context.env.stack;
  const token = randomBytes(32).toString('base64url');
  const key = redisKeys.opaqueToken(createHash('sha256').update(token).digest('hex'));
  const now = Math.floor(Date.now() / 1000);
  const record: OpaqueTokenRecord = {
    jti: randomBytes(12).toString('hex'),
    kind: 'access_token',
    client_id: info.client.clientId,
    sub: 'auth0|bench-user',
    grant_id: `bench-grant-${randomBytes(6).toString('hex')}`,
    scope: 'openid profile',
    aud: [`${info.issuer}userinfo`],
    iat: now,
    exp: now + 3600,
  };
  const redis = createClient({ url: STACK_REDIS_URL });
  await redis.connect();
  try {
    await redis.set(key, JSON.stringify(record), { EX: 3600 });
  } finally {
    await redis.quit();
  }
  return {
    token,
    remove: async () => {
      const cleaner = createClient({ url: STACK_REDIS_URL });
      await cleaner.connect();
      await cleaner.del(key);
      await cleaner.quit();
    },
  };
}

async function mintOne(poster: FormPoster, context: ScenarioContext): Promise<string> {
  const { info } = context.env.stack;
  const response = await poster.post(`${info.urls.issuance}/oauth/token`, {
    grant_type: 'client_credentials',
    client_id: info.client.clientId,
    client_secret: info.client.clientSecret,
    audience: info.api.identifier,
  });
  if (response.status !== 200) throw new Error(`could not mint a token: ${response.status} ${response.text}`);
  return (JSON.parse(response.text) as { access_token: string }).access_token;
}

/** A benchmark of `{active:false}` answers would measure the wrong path: check before timing. */
async function expectActive(
  poster: FormPoster,
  url: string,
  token: string,
  credentials: Record<string, string>,
): Promise<void> {
  const response = await poster.post(url, { token, ...credentials });
  if (response.status !== 200 || (JSON.parse(response.text) as { active?: boolean }).active !== true) {
    throw new Error(
      `introspection does not answer active for a fresh token: ${response.status} ${response.text}`,
    );
  }
}
