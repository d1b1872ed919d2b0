import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Runs after the e2e tier (scripts/test.sh) over the logs its services wrote, `.tessera/logs/test-*.log`
 * (issue #18 §2): every line a service wrote is a JSON object, requests are logged with their id,
 * route, status and latency, and no token, secret or password appears anywhere — the e2e tier sends
 * plenty of all three, hostile ones included.
 */
const root = process.cwd();
const logDir = join(root, '.tessera', 'logs');
const seedDir = join(root, '.tessera', 'test');

const logs = existsSync(logDir)
  ? readdirSync(logDir)
      .filter((name) => /^test-.+\.log$/.test(name))
      .map((name) => ({ name, text: readFileSync(join(logDir, name), 'utf8') }))
  : [];

/** The client secrets the e2e stacks were seeded with. */
const seededSecrets = existsSync(seedDir)
  ? readdirSync(seedDir)
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => {
        const seed = JSON.parse(readFileSync(join(seedDir, name), 'utf8')) as {
          clients?: { client_secret?: string }[];
        };
        return (seed.clients ?? []).flatMap((client) => (client.client_secret ? [client.client_secret] : []));
      })
  : [];

const FORBIDDEN: readonly [string, RegExp][] = [
  ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/],
  ['a bearer credential', /Bearer\s+[A-Za-z0-9._~+/-]{16,}/i],
  ['a Basic credential', /Basic\s+[A-Za-z0-9+/]{16,}={0,2}/],
  ['a form secret', /(client_secret|password|refresh_token|code_verifier|client_assertion)=[^&\s"]/],
  ['a JSON secret', /"(client_secret|password|refresh_token|access_token|id_token)"\s*:\s*"(?!\[redacted\])/],
  ['an argon2 hash', /\$argon2id?\$/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

describe('service logs of the e2e run', () => {
  it('exist (this tier runs after e2e)', () => {
    expect(logs.map((log) => log.name)).toEqual(
      expect.arrayContaining([
        'test-issuance.log',
        'test-introspection.log',
        'test-revocation.log',
        'test-account-linking.log',
        'test-audit.log',
      ]),
    );
    expect(seededSecrets.length).toBeGreaterThan(0);
  });

  it("are one JSON object per line, with requests logged by id, route, status and latency (Tessera's services)", () => {
    let requests = 0;
    // The services and their extra instances (`test-introspection-2.log`…); not the example API of
    // the resource-server test (`test-things-api.log`), which is the API team's code, not ours.
    const services = logs.filter(({ name }) =>
      /^test-(issuance|introspection|revocation|account-linking|audit)(-.+)?\.log$/.test(name),
    );
    for (const { name, text } of services) {
      for (const line of text.split('\n')) {
        // Node's own process warnings (a deprecation in a dependency) are not the service's lines.
        if (line.trim() === '' || line.startsWith('(node:') || line.startsWith('(Use `node')) continue;
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`${name}: not a JSON line: ${line.slice(0, 200)}`);
        }
        expect(typeof entry.service, name).toBe('string');
        if (entry.msg === 'request') {
          requests += 1;
          expect(entry).toMatchObject({
            request_id: expect.any(String),
            correlation_id: expect.any(String),
            route: expect.any(String),
            status: expect.any(Number),
            ms: expect.any(Number),
          });
        }
      }
    }
    expect(requests).toBeGreaterThan(100);
  });

  it('hold no token, secret or password', () => {
    for (const { name, text } of logs) {
      for (const [what, pattern] of FORBIDDEN) {
        const found = pattern.exec(text);
        expect(
          found
            ? `${name} holds ${what}: …${text.slice(Math.max(0, found.index - 80), found.index + 80)}…`
            : null,
        ).toBeNull();
      }
      for (const secret of seededSecrets)
        expect(text.includes(secret), `${name} holds a client secret`).toBe(false);
    }
  });
});
