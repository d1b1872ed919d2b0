/**
 * `npm start`: the whole platform on this machine, in the foreground (DESIGN.md §2, §7).
 *
 *   infra (Kafka from Maven jars; PostgreSQL and Redis checked) → migrations and topics →
 *   issuance → introspection, revocation, account-linking, audit → nginx on https://127.0.0.1:8443/
 *
 * Each child's output is shown as `[name] line` and kept in .tessera/logs/<name>.log. Ctrl-C or
 * SIGTERM stops what this launcher started (the gateway first, so no request is cut off between
 * the gateway and a service, then the services); Kafka, PostgreSQL and Redis keep running.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { databaseEnv, loadConfig, serviceEnv } from '@app/config';
import { localKafkaEnv } from '@app/kafka';
import { banner } from './launcher/banner';
import { loadOrCreateDevSecrets } from './launcher/dev-secrets';
import { isPortOpen } from './launcher/ports';
import {
  runPrefixed,
  startPrefixed,
  type ManagedProcess,
  type ProcessOptions,
} from './launcher/prefixed-process';
import { waitForGateway, waitUntilReady } from './launcher/readiness';

const launcherEnv = serviceEnv.pick({ TESSERA_ISSUER: true, LOG_LEVEL: true }).extend(databaseEnv.shape);

/** DESIGN.md §2's internal ports; the gateway template's upstreams default to the same. */
const SERVICES = [
  { name: 'issuance', port: 3001 },
  { name: 'introspection', port: 3002 },
  { name: 'revocation', port: 3003 },
  { name: 'account-linking', port: 3004 },
  { name: 'audit', port: 3005 },
] as const;
const GATEWAY = { host: '127.0.0.1', port: 8443 };
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;

const startedAt = performance.now();
const root = resolve(__dirname, '../..');
const paths = {
  logs: join(root, '.tessera/logs'),
  secrets: join(root, '.tessera/dev.env'),
  ca: join(root, '.tessera/tls/ca.pem'),
};

const services: ManagedProcess[] = [];
const helpers: ManagedProcess[] = [];
let gateway: ManagedProcess | undefined;
let stopping = false;

function child(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ProcessOptions {
  return { name, command, args, cwd: root, env, logFile: join(paths.logs, `${name}.log`) };
}

/** Runs a one-shot step (infra, provision), remembering it so a Ctrl-C during it stops it too. */
function step(options: ProcessOptions): Promise<void> {
  return runPrefixed(options, (started) => helpers.push(started));
}

async function main(): Promise<void> {
  const config = loadConfig(launcherEnv);
  const database = new URL(config.DATABASE_URL).pathname.slice(1);

  // Fail in a second, before anything starts, when another stack holds our ports.
  const taken: string[] = [];
  for (const { name, port } of [...SERVICES, { name: 'gateway', port: GATEWAY.port }]) {
    if (await isPortOpen('127.0.0.1', port)) taken.push(`127.0.0.1:${port} (${name})`);
  }
  if (taken.length > 0) {
    throw new Error(`already in use: ${taken.join(', ')}. Is another \`npm start\` running? Stop it first.`);
  }

  // The gateway's prerequisites (nginx, openssl, envsubst, the TLS files) are checked first too:
  // rendering and `nginx -t` take a second, and a missing nginx says how to install it.
  await step(child('gateway-setup', 'bash', ['scripts/gateway.sh', 'render'], process.env));
  // Java and Maven are checked by up.sh, with the same kind of message.
  await step(child('infra', 'bash', ['scripts/infra/up.sh'], { ...process.env, TESSERA_DB_NAMES: database }));
  // Provisioning logs in as the admin; each service as its own principal (issue #20).
  await step(
    child('provision', process.execPath, ['dist/scripts/provision.js'], {
      ...process.env,
      ...localKafkaEnv(root, 'tessera-admin'),
    }),
  );

  const { secrets, generated } = loadOrCreateDevSecrets(paths.secrets);
  if (generated.length > 0) console.log(`[launcher] generated ${generated.join(', ')} in ${paths.secrets}`);
  const serviceEnvironment = (name: string, port: number): NodeJS.ProcessEnv => ({
    ...process.env,
    ...secrets,
    ...localKafkaEnv(root, `tessera-${name}`),
    HOST: '127.0.0.1',
    PORT: String(port),
    TESSERA_ISSUER: config.TESSERA_ISSUER,
    DATABASE_URL: config.DATABASE_URL,
    LOG_LEVEL: config.LOG_LEVEL,
    // Coloured lines for the terminal; the services default to JSON (what a log shipper reads).
    TESSERA_LOG_FORMAT: process.env.TESSERA_LOG_FORMAT ?? 'pretty',
    // Issuance's JWKS over loopback: the gateway starts after the services are ready, so they cannot
    // reach its https origin at start-up (issue #20 §4; docs/adr/0017-validators-trust-the-jwks.md).
    TESSERA_JWKS_URL: `http://127.0.0.1:${SERVICES[0].port}/.well-known/jwks.json`,
    TESSERA_JWKS_ALLOW_HTTP: 'true',
    TESSERA_ACCOUNT_LINKING_URL: `http://127.0.0.1:${SERVICES[3].port}`,
    TESSERA_ISSUANCE_URL: `http://127.0.0.1:${SERVICES[0].port}`,
  });
  const startService = async ({ name, port }: (typeof SERVICES)[number]) => {
    const service = startPrefixed(
      child(name, process.execPath, [`dist/apps/${name}/src/main.js`], serviceEnvironment(name, port)),
    );
    services.push(service);
    await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, service, READY_TIMEOUT_MS);
  };
  // Issuance first: it creates the signing keys and clients that the others replay from Kafka.
  await startService(SERVICES[0]);
  await Promise.all(SERVICES.slice(1).map(startService));

  gateway = startPrefixed(child('gateway', 'bash', ['scripts/gateway.sh', 'run'], process.env));
  const gatewayUrl = `https://${GATEWAY.host}:${GATEWAY.port}/`;
  const discovery = (await waitForGateway(
    `${gatewayUrl}.well-known/openid-configuration`,
    readFileSync(paths.ca),
    gateway,
    15_000,
  )) as { issuer?: unknown };
  if (discovery.issuer !== config.TESSERA_ISSUER) {
    throw new Error(
      `the gateway serves issuer ${String(discovery.issuer)}, expected ${config.TESSERA_ISSUER}`,
    );
  }

  console.log(
    banner({
      repoRoot: root,
      issuer: config.TESSERA_ISSUER,
      gatewayUrl,
      caPath: paths.ca,
      secretsPath: paths.secrets,
      bootstrapClientId: secrets.TESSERA_BOOTSTRAP_CLIENT_ID,
      seconds: (performance.now() - startedAt) / 1000,
      services: SERVICES,
    }),
  );

  // From here on, a child that dies takes the platform down with it: a half-running stack
  // (say, no revocation) would answer some requests and not others.
  const first = await Promise.race(
    [...services, gateway].map((process) => process.exited.then((result) => ({ process, result }))),
  );
  if (!stopping) {
    const how = first.result.signal ?? `exit code ${first.result.code}`;
    console.error(`[launcher] ${first.process.name} stopped unexpectedly (${how}); stopping the others`);
    await shutdown(1);
  }
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (!gateway && services.length === 0 && helpers.every((helper) => helper.hasExited()))
    process.exit(exitCode);
  console.log('[launcher] stopping the gateway and the services (Kafka, PostgreSQL and Redis keep running)');
  // nginx: SIGQUIT = graceful (finish requests in flight). Then the services: SIGINT lets Nest
  // run its shutdown hooks (Kafka consumers leave their groups, the outbox relay stops) at once —
  // no drain (that is SIGTERM's, for a gateway that is still routing), since the gateway is gone.
  await gateway?.stop('SIGQUIT', STOP_GRACE_MS);
  await Promise.all([...services, ...helpers].map((process) => process.stop('SIGINT', STOP_GRACE_MS)));
  console.log('[launcher] stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0));
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  console.error(`[launcher] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
