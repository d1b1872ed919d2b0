/**
 * Offline checks of the container deployment (no Docker engine on these machines, DESIGN.md §7):
 *  (a) docker-compose.yml passes dclint (Compose-spec JSON schema + its rules);
 *  (b) the compose file wires the services, build and environment per the contract;
 *  (c) the nginx gateway template renders, routes every public path to its owner, and passes
 *      `nginx -t` when Debian's nginx is installed.
 * Unit tier: files and child processes only, no sockets.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_PRINCIPALS } from '@app/kafka';

const ROOT = resolve(__dirname, '../..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const TEMPLATE_FILE = join(ROOT, 'deploy/nginx/tessera.conf.template');
const DOCKERFILE = join(ROOT, 'Dockerfile');

// ------------------------------------------------------------------------------------------------
// The contract (DESIGN.md §1/§2 and the deployment brief).
// ------------------------------------------------------------------------------------------------
const APP_PORTS = {
  issuance: 3001,
  introspection: 3002,
  revocation: 3003,
  'account-linking': 3004,
  audit: 3005,
} as const;
type App = keyof typeof APP_PORTS;
const APPS = Object.keys(APP_PORTS) as App[];

const COMMON_ENV = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'TESSERA_ISSUER',
  'KAFKA_BROKERS',
  'KAFKA_SECURITY_PROTOCOL',
  'REDIS_URL',
  'TESSERA_TRUSTED_PROXIES',
] as const;
const EXTRA_ENV: Record<App, readonly string[]> = {
  issuance: [
    'DATABASE_URL',
    'TESSERA_ENCRYPTION_KEY',
    'TESSERA_BOOTSTRAP_CLIENT_ID',
    'TESSERA_BOOTSTRAP_CLIENT_SECRET',
  ],
  introspection: [
    'TESSERA_JWKS_URL',
    'TESSERA_ENCRYPTION_KEY',
    'TESSERA_ISSUANCE_URL',
    'TESSERA_INTERNAL_TOKEN',
  ],
  revocation: ['DATABASE_URL', 'TESSERA_JWKS_URL', 'TESSERA_ISSUANCE_URL', 'TESSERA_INTERNAL_TOKEN'],
  'account-linking': ['DATABASE_URL', 'TESSERA_ENCRYPTION_KEY'],
  audit: ['DATABASE_URL', 'TESSERA_JWKS_URL', 'TESSERA_AUDIT_RETENTION_DAYS'],
};

const TEMPLATE_VARS = [
  'ISSUANCE_UPSTREAM',
  'INTROSPECTION_UPSTREAM',
  'REVOCATION_UPSTREAM',
  'ACCOUNT_LINKING_UPSTREAM',
  'AUDIT_UPSTREAM',
  'TLS_CERT',
  'TLS_KEY',
  'GATEWAY_LISTEN',
] as const;
const UPSTREAM_VAR: Record<App, (typeof TEMPLATE_VARS)[number]> = {
  issuance: 'ISSUANCE_UPSTREAM',
  introspection: 'INTROSPECTION_UPSTREAM',
  revocation: 'REVOCATION_UPSTREAM',
  'account-linking': 'ACCOUNT_LINKING_UPSTREAM',
  audit: 'AUDIT_UPSTREAM',
};

/** Public request paths (as a client sends them) and who must answer; 404 = the gateway itself. */
const ROUTES: ReadonlyArray<readonly [string, App | 404]> = [
  ['/authorize?client_id=abc&response_type=code', 'issuance'],
  ['/u/login?state=xyz', 'issuance'],
  ['/oauth/token', 'issuance'],
  ['/delegation', 'issuance'],
  ['/v2/logout?client_id=abc', 'issuance'],
  ['/oidc/logout', 'issuance'],
  ['/.well-known/openid-configuration', 'issuance'],
  ['/.well-known/oauth-authorization-server', 'issuance'],
  ['/.well-known/jwks.json', 'issuance'],
  ['/api/v2/clients', 'issuance'],
  ['/api/v2/clients/abc?fields=name', 'issuance'],
  ['/api/v2/resource-servers', 'issuance'],
  ['/api/v2/resource-servers/https%3A%2F%2Fapi.example.com', 'issuance'],
  ['/api/v2/client-grants', 'issuance'],
  ['/api/v2/client-grants/cgr_1', 'issuance'],
  ['/api/v2/keys/signing', 'issuance'],
  ['/api/v2/keys/signing/rotate', 'issuance'],
  ['/api/v2/keys/signing/kid1/revoke', 'issuance'],
  ['/oauth/introspect', 'introspection'],
  ['/userinfo', 'introspection'],
  ['/tokeninfo', 'introspection'],
  ['/oauth/revoke', 'revocation'],
  ['/api/v2/device-credentials?user_id=auth0%7C1', 'revocation'],
  ['/api/v2/device-credentials/dcr_1', 'revocation'],
  ['/api/v2/users/auth0%7C123/refresh-tokens', 'revocation'],
  ['/api/v2/users/auth0|123/refresh-tokens?take=10', 'revocation'],
  ['/api/v2/users/google-oauth2%7C99/sessions', 'revocation'],
  ['/api/v2/users/auth0%7C123/sessions/', 'revocation'],
  ['/api/v2/refresh-tokens', 'revocation'],
  ['/api/v2/refresh-tokens/rt_1', 'revocation'],
  ['/api/v2/grants?user_id=auth0%7C1', 'revocation'],
  ['/api/v2/grants/gr_1', 'revocation'],
  ['/api/v2/sessions/ses_1', 'revocation'],
  ['/api/v2/sessions/ses_1/revoke', 'revocation'],
  ['/api/v2/token-revocations', 'revocation'],
  ['/api/v2/token-revocations/', 'revocation'],
  ['/api/v2/users', 'account-linking'],
  ['/api/v2/users?q=email%3A%22a%40b.c%22', 'account-linking'],
  ['/api/v2/users/auth0%7C123', 'account-linking'],
  ['/api/v2/users/auth0%7C123/identities', 'account-linking'],
  ['/api/v2/users/auth0%7C123/identities/google-oauth2/456', 'account-linking'],
  ['/api/v2/users/auth0%7C123/sessionsX', 'account-linking'],
  ['/api/v2/users/auth0%7C123/roles', 'account-linking'],
  ['/api/v2/users-by-email?email=a%40b.c', 'account-linking'],
  ['/api/v2/user-blocks?identifier=a%40b.c', 'account-linking'],
  ['/api/v2/user-blocks/auth0%7C123', 'account-linking'],
  ['/api/v2/connections', 'account-linking'],
  ['/api/v2/connections/con_1', 'account-linking'],
  ['/login/callback?code=xyz&state=abc', 'account-linking'],
  ['/login/start?connection=upstream&transaction=t1', 'account-linking'],
  ['/api/v2/logs', 'audit'],
  ['/api/v2/logs?q=type%3As&include_totals=true', 'audit'],
  ['/api/v2/logs/90202612030000000000000000042', 'audit'],
  ['/api/v2/users/auth0%7C123/logs', 'audit'],
  ['/api/v2/users/auth0|123/logs?page=1', 'audit'],
  ['/api/v2/users/auth0%7C123/logsX', 'account-linking'],
  ['/api/v2/log-streams', 'audit'],
  ['/api/v2/log-streams/lst_0123456789abcdef', 'audit'],
  ['/api/v2/logsX', 404],
  ['/api/v2/log-streamsX', 404],
  ['/login/startX', 404],
  ['/', 404],
  ['/health/live', 404],
  ['/health/ready', 404],
  // The internal API (password checks for issuance) is never public: docs/adr/0005-internal-api.md.
  ['/internal/v1/password-verifications', 404],
  ['/internal/v1/login-tickets/redemptions', 404],
  ['/api/v2', 404],
  ['/api/v2/clientsX', 404],
  ['/api/v2/tenants/settings', 404],
  ['/oauth/tokens', 404],
  ['/authorizeX', 404],
];

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------
interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  ports?: string[];
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string }>;
}
interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

const tempDirs: string[] = [];

/** The .env variable holding a Kafka principal's password: `account-linking` → TESSERA_KAFKA_PASSWORD_ACCOUNT_LINKING. */
function kafkaPasswordVariable(principal: string): string {
  return `TESSERA_KAFKA_PASSWORD_${principal.toUpperCase().replace(/-/g, '_')}`;
}

/** A compose value that must come from the environment, with no default: `${NAME:?…}`. */
function requiredSecret(variable: string): string {
  return `\${${variable}:?set ${variable} in .env, see .env.example}`;
}
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** First executable named `name` on PATH or in the sbin directories (nginx lives in /usr/sbin). */
function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs
    .filter((dir) => dir.startsWith('/'))
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));
}

/** envsubst with an explicit variable list: only ${NAME} of the listed names is replaced. */
function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (whole, name: string) => values[name] ?? whole);
}

interface Location {
  modifier: '' | '=' | '^~' | '~' | '~*';
  pattern: string;
  target: string | number; // upstream block name, or the status of a `return`
}

/** The server's locations, in file order (named @locations are not reachable by URI). */
function parseLocations(conf: string): Location[] {
  const locations: Location[] = [];
  const re = /^\s*location\s+(?:(=|\^~|~\*?)\s+)?(\S+)\s*\{([^}]*)/gm;
  for (const m of conf.matchAll(re)) {
    const [, modifier = '', pattern = '', body = ''] = m;
    if (pattern.startsWith('@')) continue;
    const upstream = /proxy_pass\s+http:\/\/([\w-]+)\s*;/.exec(body)?.[1];
    const status = /return\s+(\d{3})/.exec(body)?.[1];
    const target = upstream ?? (status === undefined ? 'unknown' : Number(status));
    locations.push({ modifier: modifier as Location['modifier'], pattern, target });
  }
  return locations;
}

/**
 * nginx's location selection (ngx_http_core_module docs): the query string is dropped and the
 * path percent-decoded; an exact `=` match wins; otherwise the longest prefix is remembered, and
 * unless it is `^~` the regexes are tried in file order, the first match winning; otherwise the
 * remembered prefix.
 */
function selectLocation(locations: Location[], requestUri: string): Location | undefined {
  const path = decodeURIComponent(requestUri.split('?')[0] ?? '');
  const exact = locations.find((l) => l.modifier === '=' && l.pattern === path);
  if (exact) return exact;
  const prefix = locations
    .filter((l) => (l.modifier === '' || l.modifier === '^~') && path.startsWith(l.pattern))
    .sort((a, b) => b.pattern.length - a.pattern.length)[0];
  if (prefix?.modifier !== '^~') {
    const regex = locations.find(
      (l) =>
        (l.modifier === '~' || l.modifier === '~*') &&
        new RegExp(l.pattern, l.modifier === '~*' ? 'i' : '').test(path),
    );
    if (regex) return regex;
  }
  return prefix;
}

// ------------------------------------------------------------------------------------------------
// (a) dclint
// ------------------------------------------------------------------------------------------------
// dclint is a separate Node process that loads a JSON schema: seconds on a busy 2-core machine.
describe('docker-compose.yml lint (dclint)', { timeout: 60_000 }, () => {
  const dclint = join(ROOT, 'node_modules/.bin/dclint');

  // No rule is disabled: the file satisfies dclint's default schema, security and style rules.
  it('passes dclint -q with every rule enabled', () => {
    const run = spawnSync(dclint, [COMPOSE_FILE, '-q', '--color', 'false'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });

  // Guards against a validator that accepts anything (e.g. a schema that failed to load).
  it('dclint does reject an invalid compose file', () => {
    const bad = join(tempDir('tessera-dclint-'), 'docker-compose.yml');
    writeFileSync(bad, 'services:\n  app:\n    image: nginx:1.27\n    restart_policy: always\n');
    const run = spawnSync(dclint, [bad, '-q', '--color', 'false'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/invalid-schema/);
  });
});

// ------------------------------------------------------------------------------------------------
// (b) compose wiring
// ------------------------------------------------------------------------------------------------
describe('docker-compose.yml wiring', () => {
  // Compose supports YAML merge keys (<<) for the x-tessera-* anchors.
  const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
  const svc = (name: string): ComposeService => {
    const s = compose.services[name];
    if (!s) throw new Error(`service ${name} is missing`);
    return s;
  };

  it('defines the infrastructure, the one-shot jobs, the five services and the gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'account-linking',
        'audit',
        'gateway',
        'grafana',
        'introspection',
        'issuance',
        'kafka',
        'postgres',
        'prometheus',
        'provision',
        'redis',
        'revocation',
        'tls-init',
      ].sort(),
    );
    expect(svc('kafka').image).toBe('apache/kafka:3.9.1');
    expect(svc('postgres').image).toBe('postgres:16');
    expect(svc('postgres').environment?.POSTGRES_DB).toBe('tessera');
    expect(svc('redis').image).toBe('redis:7');
    expect(svc('gateway').image).toBe('nginx:1.27');
    expect(svc('prometheus').image).toBe('prom/prometheus:v3.5.0');
    expect(svc('grafana').image).toBe('grafana/grafana:12.1.0');
  });

  it('builds the five services and provision from the same Dockerfile, differing only in SERVICE', () => {
    const builds = [...APPS, 'provision'].map((name) => svc(name).build);
    for (const build of builds) {
      expect(build).toBeDefined();
      expect({ context: build?.context, dockerfile: build?.dockerfile, target: build?.target }).toEqual({
        context: '.',
        dockerfile: 'Dockerfile',
        target: 'runtime',
      });
    }
    for (const app of APPS) expect(svc(app).build?.args?.SERVICE).toBe(app);
    expect(svc('provision').command).toEqual(['node', 'dist/scripts/provision.js']);
  });

  it.each(APPS)('%s gets the environment of the contract', (app) => {
    const env = svc(app).environment ?? {};
    for (const key of [...COMMON_ENV, ...EXTRA_ENV[app]]) expect(env, key).toHaveProperty(key);
    expect(String(env.PORT)).toBe(String(APP_PORTS[app]));
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    // The broker is a trust boundary (issue #20): TLS against the tls volume's CA, each service its own login.
    expect(env.KAFKA_SECURITY_PROTOCOL).toBe('sasl_ssl');
    expect(env.KAFKA_SSL_CA_FILE).toBe('/tls/ca.pem');
    expect(svc(app).volumes).toContain('tls:/tls:ro');
    expect(env.KAFKA_SASL_USERNAME).toBe(`tessera-${app}`);
    expect(env.KAFKA_SASL_PASSWORD).toBe(requiredSecret(kafkaPasswordVariable(app)));
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(String(env.TESSERA_ISSUER)).toMatch(/^\$\{TESSERA_ISSUER:-https:\/\/127\.0\.0\.1:8443\/\}$/);
    if ('DATABASE_URL' in env)
      expect(String(env.DATABASE_URL)).toMatch(/^postgres:\/\/.+@postgres:5432\/tessera$/);
    if ('TESSERA_JWKS_URL' in env)
      expect(env.TESSERA_JWKS_URL).toBe('http://issuance:3001/.well-known/jwks.json');
  });

  it('gives every Kafka password to its own principal and the broker alone', () => {
    const principals = [...APPS, 'admin'];
    const login: Record<string, string> = {
      ...Object.fromEntries(APPS.map((app) => [app, app])),
      provision: 'admin',
    };
    for (const [name, service] of Object.entries(compose.services)) {
      for (const principal of principals) {
        const variable = kafkaPasswordVariable(principal);
        const holds = JSON.stringify(service.environment ?? {}).includes(variable);
        expect(holds, `${name} holds ${variable}`).toBe(name === 'kafka' || login[name] === principal);
      }
    }
    expect(svc('provision').environment?.KAFKA_SASL_USERNAME).toBe('tessera-admin');
    // The broker learns every service principal that libs/kafka grants ACLs to, and the admin.
    const broker = readFileSync(join(ROOT, 'deploy/kafka/broker.sh'), 'utf8');
    for (const username of [...Object.keys(SERVICE_PRINCIPALS), 'tessera-admin'])
      expect(broker, username).toMatch(new RegExp(`^${username}=TESSERA_KAFKA_PASSWORD_`, 'm'));
  });

  it('runs the broker with TLS everywhere, SCRAM logins and the ACL authorizer, and no plaintext listener', () => {
    const broker = readFileSync(join(ROOT, 'deploy/kafka/broker.sh'), 'utf8');
    expect(svc('kafka').entrypoint).toEqual(['/bin/sh', '/opt/tessera/broker.sh']);
    expect(svc('kafka').depends_on?.['tls-init']?.condition).toBe('service_completed_successfully');
    expect(broker).toMatch(
      /^listener\.security\.protocol\.map=SASL_SSL:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:SSL,BROKER:SSL$/m,
    );
    expect(broker).not.toMatch(/PLAINTEXT/);
    expect(broker).toMatch(/^allow\.everyone\.if\.no\.acl\.found=false$/m);
    expect(broker).toMatch(
      /^authorizer\.class\.name=org\.apache\.kafka\.metadata\.authorizer\.StandardAuthorizer$/m,
    );
    expect(broker).toMatch(/^listener\.name\.(controller|broker)\.ssl\.client\.auth=required$/m);
    // Only the subscribers' listener is published, on loopback.
    expect(svc('kafka').ports).toEqual(['127.0.0.1:9094:9094']);
    const tlsInit = JSON.stringify(svc('tls-init').command);
    expect(tlsInit).toContain('/CN=tessera-kafka-broker');
    expect(tlsInit).toContain('subjectAltName=DNS:kafka');
  });

  it('trusts X-Forwarded-For from the gateway alone: its fixed address on the fixed subnet', () => {
    const gateway = svc('gateway').networks?.default?.ipv4_address;
    expect(gateway).toMatch(/^172\.30\.110\.\d+$/);
    for (const app of APPS) expect(svc(app).environment?.TESSERA_TRUSTED_PROXIES, app).toBe(gateway);
    expect(JSON.stringify(compose.networks)).toContain('"subnet":"172.30.110.0/24"');
  });

  it('gives introspection no database credentials (it owns nothing durable)', () => {
    expect(svc('introspection').environment).not.toHaveProperty('DATABASE_URL');
  });

  it('takes the encryption key and the bootstrap secret from the environment, with no default', () => {
    for (const app of ['issuance', 'introspection', 'account-linking']) {
      expect(String(svc(app).environment?.TESSERA_ENCRYPTION_KEY)).toMatch(/^\$\{TESSERA_ENCRYPTION_KEY:\?/);
    }
    expect(String(svc('issuance').environment?.TESSERA_BOOTSTRAP_CLIENT_SECRET)).toMatch(
      /^\$\{TESSERA_BOOTSTRAP_CLIENT_SECRET:\?/,
    );
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    expect(example).toMatch(/^TESSERA_ENCRYPTION_KEY=/m);
    expect(example).toMatch(/^TESSERA_BOOTSTRAP_CLIENT_SECRET=/m);
    expect(example).toContain('openssl rand -base64 32');
    for (const principal of [...APPS, 'admin'])
      expect(example).toMatch(new RegExp(`^${kafkaPasswordVariable(principal)}=`, 'm'));
  });

  it('starts provision after its stores are healthy, and every service after provision succeeded', () => {
    const provisionDeps = svc('provision').depends_on ?? {};
    expect(provisionDeps.kafka?.condition).toBe('service_healthy');
    expect(provisionDeps.postgres?.condition).toBe('service_healthy');
    for (const app of APPS) {
      const deps = svc(app).depends_on ?? {};
      expect(deps.provision?.condition, app).toBe('service_completed_successfully');
      expect(deps.kafka?.condition, app).toBe('service_healthy');
      // The audit service reads Kafka into PostgreSQL only: it has no use for Redis.
      if (app !== 'audit') expect(deps.redis?.condition, app).toBe('service_healthy');
      if (app !== 'introspection') expect(deps.postgres?.condition, app).toBe('service_healthy');
    }
    const gatewayDeps = svc('gateway').depends_on ?? {};
    for (const app of APPS) expect(gatewayDeps[app]?.condition).toBe('service_healthy');
    expect(gatewayDeps['tls-init']?.condition).toBe('service_completed_successfully');
  });

  it('health-checks every long-running container; the services on /health/ready', () => {
    for (const name of ['kafka', 'postgres', 'redis', 'gateway', ...APPS]) {
      const hc = svc(name).healthcheck;
      expect(hc?.disable, name).not.toBe(true);
      expect(hc?.test, name).toBeDefined();
    }
    for (const app of APPS) expect(JSON.stringify(svc(app).healthcheck?.test)).toContain('/health/ready');
  });

  it('gateway mounts the template, a tls volume, and publishes 8443 on loopback', () => {
    const gw = svc('gateway');
    expect(gw.volumes).toContainEqual(
      expect.stringMatching(
        /^\.\/deploy\/nginx\/tessera\.conf\.template:\/etc\/nginx\/templates\/[\w.-]+\.template(:ro)?$/,
      ),
    );
    expect(gw.volumes).toContainEqual(expect.stringMatching(/^tls:/));
    expect(svc('tls-init').volumes).toContainEqual(expect.stringMatching(/^tls:/));
    expect(compose.volumes).toHaveProperty('tls');
    expect(gw.ports).toContain('127.0.0.1:8443:8443');
    const env = gw.environment ?? {};
    for (const v of TEMPLATE_VARS) expect(env, v).toHaveProperty(v);
    for (const app of APPS) expect(env[UPSTREAM_VAR[app]]).toBe(`${app}:${APP_PORTS[app]}`);
    // The image's entrypoint substitutes only env names matching this (awk ERE, JS-compatible).
    const filter = new RegExp(String(env.NGINX_ENVSUBST_FILTER));
    for (const v of TEMPLATE_VARS) expect(filter.test(v), v).toBe(true);
    for (const v of ['HOSTNAME', 'PATH', 'HOME', 'NGINX_VERSION']) expect(filter.test(v), v).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------
// Dockerfile (text checks; it cannot be built here)
// ------------------------------------------------------------------------------------------------
describe('Dockerfile', () => {
  const dockerfile = readFileSync(DOCKERFILE, 'utf8');

  it('is one multi-stage node:20-bookworm-slim image that builds, prunes and runs as non-root', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\} AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm run build\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev\b/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE=/m);
    expect(dockerfile).toMatch(/^ENV SERVICE=\$\{SERVICE\}$/m);
    expect(dockerfile).toContain('node dist/apps/$SERVICE/src/main.js');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*/m);
    expect(dockerfile).toContain('/health/ready');
  });

  it('keeps secrets and build output out of the build context', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.tessera', '.env', '.git']) expect(ignore).toContain(entry);
  });
});

// ------------------------------------------------------------------------------------------------
// (c) nginx gateway template
// ------------------------------------------------------------------------------------------------
describe('nginx gateway template', { timeout: 60_000 }, () => {
  const template = readFileSync(TEMPLATE_FILE, 'utf8');
  const testValues: Record<string, string> = {
    ISSUANCE_UPSTREAM: '127.0.0.1:3001',
    INTROSPECTION_UPSTREAM: '127.0.0.1:3002',
    REVOCATION_UPSTREAM: '127.0.0.1:3003',
    ACCOUNT_LINKING_UPSTREAM: '127.0.0.1:3004',
    AUDIT_UPSTREAM: '127.0.0.1:3005',
    TLS_CERT: '/nonexistent/server.pem',
    TLS_KEY: '/nonexistent/server-key.pem',
    GATEWAY_LISTEN: '127.0.0.1:8443',
  };
  const rendered = renderTemplate(template, testValues);
  // Directives only: the template's comments quote examples of what not to write.
  const directives = rendered
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');

  it('uses exactly the eight template variables in ${...} form, and renders completely', () => {
    const used = new Set([...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...TEMPLATE_VARS].sort());
    expect(rendered).not.toMatch(/\$\{/);
    // nginx's own variables must survive rendering.
    for (const v of ['$remote_addr', '$http_host', '$scheme', '$request_id']) expect(rendered).toContain(v);
  });

  it('declares the production settings of the gateway', () => {
    expect(directives).toMatch(/listen 127\.0\.0\.1:8443 ssl/);
    expect(directives).toMatch(/ssl_protocols TLSv1\.2 TLSv1\.3;/);
    expect(directives).toMatch(/server_tokens off;/);
    expect(directives).toMatch(/client_max_body_size 64k;/);
    expect(directives).toMatch(/proxy_http_version 1\.1;/);
    expect(directives).toMatch(/proxy_set_header Connection "";/);
    expect(directives.match(/keepalive 64;/g)).toHaveLength(4);
    for (const h of ['X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host']) {
      expect(directives).toMatch(new RegExp(`proxy_set_header ${h} `));
    }
    // Forwarding the client's raw URI (encoded user ids) requires proxy_pass without a URI part.
    expect(directives).not.toMatch(/proxy_pass\s+http:\/\/[\w.:-]+\//);
  });

  it('sends HSTS and nosniff on every answer, errors included, from the server and every location that adds headers', () => {
    const hsts = 'add_header Strict-Transport-Security "max-age=31536000" always;';
    const nosniff = 'add_header X-Content-Type-Options nosniff always;';
    const serverLevel = directives.replace(/location [^{]*\{[^}]*\}/g, '');
    expect(serverLevel).toContain(hsts);
    expect(serverLevel).toContain(nosniff);
    // nginx inherits add_header only into a location that has none of its own.
    const adding = [...directives.matchAll(/location ([^{]*)\{([^}]*)\}/g)].filter(([, , body]) =>
      body!.includes('add_header'),
    );
    expect(adding.length).toBeGreaterThan(0);
    for (const [, name, body] of adding) {
      expect(body, name).toContain(hsts);
      expect(body, name).toContain(nosniff);
    }
    // The gateway owns them: a service's copy would make a second header.
    expect(directives).toMatch(/proxy_hide_header Strict-Transport-Security;/);
    expect(directives).toMatch(/proxy_hide_header X-Content-Type-Options;/);
  });

  it('points each upstream block at its service variable', () => {
    for (const app of APPS) {
      const block = new RegExp(`upstream (\\w+) \\{\\s*server ${testValues[UPSTREAM_VAR[app]]};`).exec(
        directives,
      );
      expect(block?.[1], app).toBe(`tessera_${app.replace('-', '_')}`);
    }
  });

  const locations = parseLocations(directives);
  it.each(ROUTES)('routes %s to %s', (uri, owner) => {
    const target = selectLocation(locations, uri)?.target;
    expect(target).toBe(owner === 404 ? 404 : `tessera_${owner.replace('-', '_')}`);
  });

  const nginx = findBinary('nginx');
  const openssl = findBinary('openssl');
  it.skipIf(!nginx || !openssl)(
    'passes nginx -t (skipped when nginx is not installed: apt-get install -y nginx-light)',
    () => {
      const dir = tempDir('tessera-nginx-');
      const cert = join(dir, 'server.pem');
      const key = join(dir, 'server-key.pem');
      const made = spawnSync(
        openssl as string,
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '1',
        ].concat(['-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert]),
        { encoding: 'utf8' },
      );
      expect(made.status, made.stderr).toBe(0);

      const conf = join(dir, 'tessera.conf');
      writeFileSync(conf, renderTemplate(template, { ...testValues, TLS_CERT: cert, TLS_KEY: key }));
      // A minimal main config, like the local launcher's: everything writable lives in `dir`.
      const main = join(dir, 'nginx.conf');
      writeFileSync(
        main,
        [
          `pid ${join(dir, 'nginx.pid')};`,
          `error_log ${join(dir, 'error.log')} warn;`,
          'events { worker_connections 64; }',
          'http {',
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
            (t) => `  ${t}_temp_path ${join(dir, t)};`,
          ),
          `  include ${conf};`,
          '}',
          '',
        ].join('\n'),
      );
      // -e: nginx opens its compiled-in error log before reading the config; keep it in `dir` too.
      // stdout/stderr go to a file, as with a launcher: the template logs to /dev/stdout, and
      // opening that fails (ENXIO) when stdout is a socket, which is what Node's 'pipe' uses.
      const output = join(dir, 'nginx-t.out');
      const fd = openSync(output, 'w');
      let status: number | null;
      try {
        status = spawnSync(nginx as string, ['-t', '-p', dir, '-e', join(dir, 'error.log'), '-c', main], {
          stdio: ['ignore', fd, fd],
        }).status;
      } finally {
        closeSync(fd);
      }
      const text = readFileSync(output, 'utf8');
      expect(text).toMatch(/test is successful/);
      expect(status, text).toBe(0);
    },
  );
});
