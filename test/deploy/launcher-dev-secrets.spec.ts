import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateDevSecrets, parseEnvFile } from '../../scripts/launcher/dev-secrets';

describe('loadOrCreateDevSecrets', () => {
  const dirs: string[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-dev-env-'));
    dirs.push(dir);
    return join(dir, 'nested', 'dev.env');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('generates every secret once, with mode 600, and returns the same ones afterwards', () => {
    const path = file();
    const first = loadOrCreateDevSecrets(path);
    expect(first.generated).toHaveLength(4);
    expect(first.secrets.TESSERA_BOOTSTRAP_CLIENT_ID).toMatch(/^tessera-bootstrap-[0-9a-f]{8}$/);
    expect(Buffer.from(first.secrets.TESSERA_ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    expect(first.secrets.TESSERA_BOOTSTRAP_CLIENT_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const second = loadOrCreateDevSecrets(path);
    expect(second.generated).toEqual([]);
    expect(second.secrets).toEqual(first.secrets);
  });

  it('fills in a missing secret without touching the others', () => {
    const path = file();
    const { secrets } = loadOrCreateDevSecrets(path);
    const text = readFileSync(path, 'utf8').replace(/^TESSERA_BOOTSTRAP_CLIENT_SECRET=.*$/m, '');
    writeFileSync(path, text);
    const again = loadOrCreateDevSecrets(path);
    expect(again.generated).toEqual(['TESSERA_BOOTSTRAP_CLIENT_SECRET']);
    expect(again.secrets.TESSERA_ENCRYPTION_KEY).toBe(secrets.TESSERA_ENCRYPTION_KEY);
  });

  it('refuses a broken value instead of replacing it (the key protects stored data)', () => {
    const path = file();
    loadOrCreateDevSecrets(path);
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(/^TESSERA_ENCRYPTION_KEY=.*$/m, 'TESSERA_ENCRYPTION_KEY=short'),
    );
    expect(() => loadOrCreateDevSecrets(path)).toThrow(/invalid TESSERA_ENCRYPTION_KEY/);
    expect(readFileSync(path, 'utf8')).toContain('TESSERA_ENCRYPTION_KEY=short');
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=value lines and skips comments', () => {
    expect(parseEnvFile('# c\nA=1\n\nB_2=x=y\nlower=no\n')).toEqual({ A: '1', B_2: 'x=y' });
  });
});
