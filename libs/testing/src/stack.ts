import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, type RunningService, type ServiceName } from './service-processes';
import { createThrowawayDatabase } from './throwaway-database';
import { testBrokers } from './test-kafka';

// Above what the e2e files give their own servers and stacks (test/e2e/support/extra-introspection.ts,
// resource-server.spec.ts, password-hashing-queue.spec.ts: +5..+9).
const AUDIT_PORT_OFFSET = 10;

export interface StackClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface StackInfo {
  readonly issuer: string;
  readonly brokers: string[];
  /** Every consumer group of the stack's services starts with it (their `KAFKA_GROUP_PREFIX`). */
  readonly kafkaGroupPrefix: string;
  readonly databaseUrl: string;
  readonly urls: {
    issuance: string;
    introspection: string;
    introspection2?: string;
    revocation: string;
    accountLinking: string;
    /** Present when the stack was started with `audit`. */
    audit?: string;
  };
  /** A client with a client grant for `api` (all its scopes). */
  readonly client: StackClient;
  /** A second client with the same grant: the "foreign client" of negative tests. */
  readonly otherClient: StackClient;
  readonly api: { identifier: string; scopes: string[] };
  /** An API whose tokens use the RFC 9068 dialect. */
  readonly rfc9068Api: { identifier: string; scopes: string[] };
  /** An API whose tokens live the shortest lifetime allowed (60 s): expiry tests without a fake clock. */
  readonly shortLivedApi: { identifier: string; scopes: string[]; tokenLifetime: number };
  readonly bootstrap: StackClient;
}

export interface StackOptions {
  readonly repoRoot: string;
  /** The PostgreSQL server (any database on it); the stack creates and drops a database of its own there. */
  readonly databaseUrl: string;
  /** First of the consecutive ports the services listen on (issuance, introspection, revocation, account-linking, introspection #2). */
  readonly basePort: number;
  readonly brokers?: string[];
  readonly secondIntrospection?: boolean;
  /** Also start the audit service (on basePort + 10: +5..+9 are the e2e files' own servers). */
  readonly audit?: boolean;
  readonly only?: readonly ServiceName[];
  /** CPUs every service process is pinned to (`taskset -c`), for benchmarks; unpinned when absent. */
  readonly cpus?: string;
  /** Environment overrides for every service, e.g. `NODE_ENV=production` and a quieter `LOG_LEVEL` for benchmarks. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Appended to every instance name (`issuance-<suffix>`), so a second stack started beside the e2e
   * stack (with settings of its own) writes logs of its own.
   */
  readonly instanceSuffix?: string;
}

export interface Stack {
  readonly info: StackInfo;
  readonly services: RunningService[];
  /** Stops one service (SIGINT, as an orchestrator does) and starts it again on its port, same settings. */
  restart(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

/** Each service's port, as an offset from `basePort`. */
const PORT_OFFSETS: Record<ServiceName, number> = {
  issuance: 0,
  introspection: 1,
  revocation: 2,
  'account-linking': 3,
  audit: AUDIT_PORT_OFFSET,
};

/**
 * Starts the services as real processes against the real Kafka, PostgreSQL and Redis, with freshly
 * generated secrets and a seed of its own (ids are random per run, so runs never see each other's data).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const run = randomBytes(4).toString('hex');
  const issuer = 'https://127.0.0.1:8443/';
  const brokers = options.brokers ?? testBrokers();
  const secret = () => randomBytes(32).toString('base64url');
  const client = { clientId: `test-client-${run}`, clientSecret: secret() };
  const otherClient = { clientId: `test-other-${run}`, clientSecret: secret() };
  const bootstrap = { clientId: `test-bootstrap-${run}`, clientSecret: secret() };
  const api = { identifier: `https://api-${run}.example.test/`, scopes: ['read:things', 'write:things'] };
  const rfc9068Api = { identifier: `https://rfc9068-${run}.example.test/`, scopes: ['read:things'] };
  const shortLivedApi = {
    identifier: `https://short-lived-${run}.example.test/`,
    scopes: ['read:things'],
    tokenLifetime: 60,
  };

  const seedDir = join(options.repoRoot, '.tessera', 'test');
  mkdirSync(seedDir, { recursive: true });
  const seedFile = join(seedDir, `seed-${run}.json`);
  writeFileSync(
    seedFile,
    JSON.stringify({
      resource_servers: [
        { identifier: api.identifier, name: 'Test API', scopes: api.scopes, signing_alg: 'ES256' },
        {
          identifier: rfc9068Api.identifier,
          name: 'Test RFC 9068 API',
          scopes: rfc9068Api.scopes,
          signing_alg: 'RS256',
          token_dialect: 'rfc9068_profile',
        },
        {
          identifier: shortLivedApi.identifier,
          name: 'Test short-lived API',
          scopes: shortLivedApi.scopes,
          signing_alg: 'RS256',
          token_lifetime: shortLivedApi.tokenLifetime,
        },
      ],
      clients: [
        { client_id: client.clientId, client_secret: client.clientSecret, name: 'Test client' },
        {
          client_id: otherClient.clientId,
          client_secret: otherClient.clientSecret,
          name: 'Other test client',
        },
      ],
      client_grants: [
        { client_id: client.clientId, audience: api.identifier, scope: api.scopes },
        { client_id: client.clientId, audience: rfc9068Api.identifier, scope: rfc9068Api.scopes },
        { client_id: client.clientId, audience: shortLivedApi.identifier, scope: shortLivedApi.scopes },
        { client_id: otherClient.clientId, audience: api.identifier, scope: api.scopes },
      ],
    }),
  );

  const database = await createThrowawayDatabase(options.databaseUrl, `tessera_t_${run}`);
  const kafkaGroupPrefix = `tessera-test-${run}`;
  const port = (offset: number) => options.basePort + offset;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'log',
    TESSERA_ISSUER: issuer,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_GROUP_PREFIX: kafkaGroupPrefix,
    DATABASE_URL: database.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    TESSERA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TESSERA_BOOTSTRAP_CLIENT_ID: bootstrap.clientId,
    TESSERA_BOOTSTRAP_CLIENT_SECRET: bootstrap.clientSecret,
    TESSERA_SEED_FILE: seedFile,
    // No gateway runs beside most stacks: validators read issuance's JWKS over loopback http, which
    // they refuse unless told (issue #20 §4; the gateway's https origin is the default).
    TESSERA_JWKS_URL: `http://127.0.0.1:${port(0)}/.well-known/jwks.json`,
    TESSERA_JWKS_ALLOW_HTTP: 'true',
    TESSERA_ACCOUNT_LINKING_URL: `http://127.0.0.1:${port(3)}`,
    // Introspection confirms the clients it learns from Kafka with issuance (issue #20 §4).
    TESSERA_ISSUANCE_URL: `http://127.0.0.1:${port(0)}`,
    // The upstream OpenID Providers of the tests run on 127.0.0.1 over http (test/e2e/support).
    TESSERA_UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    // Every test request comes from loopback: brute-force limits apply to the addresses tests give
    // in X-Forwarded-For (loopback is the trusted proxy), never to the suite as a whole.
    TESSERA_ATTACK_PROTECTION_ALLOWLIST: '127.0.0.1,::1',
    // Back-channel logout receivers of the tests listen on 127.0.0.1 over http; they are retried
    // every 2 s at most, so a test that stops one waits seconds, not minutes.
    TESSERA_BACKCHANNEL_LOGOUT_ALLOW_PRIVATE_NETWORKS: 'true',
    TESSERA_BACKCHANNEL_LOGOUT_MAX_RETRY_SECONDS: '2',
    // Log stream receivers of the tests too; a stream that keeps failing for 8 s is suspended, so a
    // test can see suspension and resumption in seconds (test/e2e/log-streams.spec.ts).
    TESSERA_LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    TESSERA_LOG_STREAM_SUSPEND_AFTER_SECONDS: '8',
    TESSERA_LOG_STREAM_MAX_RETRY_DELAY_MS: '500',
    TESSERA_LOG_STREAM_POLL_MS: '200',
    // A key revoked by a test is replaced at once by a key no validator has confirmed yet; validators
    // confirm it at their next JWKS fetch, at most one per TESSERA_JWKS_MIN_INTERVAL_SECONDS (10 s by
    // default, docs/adr/0017). One second keeps the tests that rotate or revoke keys from depending
    // on when the last fetch happened; test/e2e/jwks-fetch-rate-limit.spec.ts tests the limit itself.
    TESSERA_JWKS_MIN_INTERVAL_SECONDS: '1',
    ...options.env,
  };
  const launch = (service: ServiceName, offset: number, instance?: string) =>
    startService({
      service,
      instance: options.instanceSuffix ? `${instance ?? service}-${options.instanceSuffix}` : instance,
      port: port(offset),
      env,
      repoRoot: options.repoRoot,
      cpus: options.cpus,
    });

  const wanted = (name: ServiceName) => !options.only || options.only.includes(name);
  const services: RunningService[] = [];
  const stop = async () => {
    await Promise.all(services.map((service) => service.stop()));
    await database.drop();
  };
  try {
    // Issuance first: it creates the signing keys and clients the others replay.
    if (wanted('issuance')) services.push(await launch('issuance', PORT_OFFSETS.issuance));
    const others: Promise<RunningService>[] = [];
    if (wanted('introspection')) others.push(launch('introspection', PORT_OFFSETS.introspection));
    if (wanted('revocation')) others.push(launch('revocation', PORT_OFFSETS.revocation));
    if (wanted('account-linking')) others.push(launch('account-linking', PORT_OFFSETS['account-linking']));
    if (options.secondIntrospection) others.push(launch('introspection', 4, 'introspection-2'));
    if (options.audit || options.only?.includes('audit')) others.push(launch('audit', PORT_OFFSETS.audit));
    const started = await Promise.allSettled(others);
    for (const result of started) if (result.status === 'fulfilled') services.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }

  const url = (offset: number) => `http://127.0.0.1:${port(offset)}`;
  const restart = async (name: ServiceName) => {
    const instance = options.instanceSuffix ? `${name}-${options.instanceSuffix}` : name;
    const index = services.findIndex((service) => service.name === instance);
    if (index < 0) throw new Error(`${name} is not running in this stack`);
    await services[index]!.stop();
    services[index] = await launch(name, PORT_OFFSETS[name]);
  };
  return {
    services,
    restart,
    stop,
    info: {
      issuer,
      brokers,
      kafkaGroupPrefix,
      databaseUrl: database.url,
      urls: {
        issuance: url(0),
        introspection: url(1),
        ...(options.secondIntrospection ? { introspection2: url(4) } : {}),
        revocation: url(2),
        accountLinking: url(3),
        ...(options.audit || options.only?.includes('audit') ? { audit: url(AUDIT_PORT_OFFSET) } : {}),
      },
      client,
      otherClient,
      api,
      rfc9068Api,
      shortLivedApi,
      bootstrap,
    },
  };
}
