import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchesAnyDigest, randomToken, sha256Hex } from './digests';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = SecretBox.fromBase64Key(randomBytes(32).toString('base64'));

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.encrypt('private-key-material', 'kid-1');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain('private-key-material');
    expect(box.decrypt(sealed, 'kid-1')).toBe('private-key-material');
  });

  it('refuses a value moved to another row (associated data) or tampered with', () => {
    const sealed = box.encrypt('secret', 'row-a');
    expect(() => box.decrypt(sealed, 'row-b')).toThrow();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'), 'row-a')).toThrow();
  });

  it('refuses a truncated authentication tag, even a prefix of the real one', () => {
    const sealed = box.encrypt('secret', 'row-a');
    const [v, iv, tag, ct] = sealed.split('.');
    for (const length of [4, 8, 12, 15]) {
      const truncated = Buffer.from(tag!, 'base64url').subarray(0, length).toString('base64url');
      expect(() => box.decrypt([v, iv, truncated, ct].join('.'), 'row-a'), `${length} bytes`).toThrow(
        /16 bytes/,
      );
    }
    const longer = Buffer.concat([Buffer.from(tag!, 'base64url'), Buffer.from([0])]).toString('base64url');
    expect(() => box.decrypt([v, iv, longer, ct].join('.'), 'row-a')).toThrow(/16 bytes/);
  });

  it('decrypts values sealed under an older key version after rotation', () => {
    const oldKey = randomBytes(32);
    const sealed = new SecretBox({ v1: oldKey }, 'v1').encrypt('idp-token', 'u1');
    const rotated = new SecretBox({ v1: oldKey, v2: randomBytes(32) }, 'v2');
    expect(rotated.decrypt(sealed, 'u1')).toBe('idp-token');
    expect(rotated.encrypt('x', 'u1').startsWith('v2.')).toBe(true);
  });

  it('rejects keys of the wrong size', () => {
    expect(() => new SecretBox({ v1: randomBytes(16) }, 'v1')).toThrow(/32 bytes/);
  });
});

describe('digests', () => {
  it('matches a secret against any of its digests', () => {
    const secret = randomToken();
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(matchesAnyDigest(secret, [sha256Hex('other'), sha256Hex(secret)])).toBe(true);
    expect(matchesAnyDigest(`${secret}x`, [sha256Hex(secret)])).toBe(false);
    expect(matchesAnyDigest(secret, [])).toBe(false);
  });
});

describe('SecretBox.fromKeyring: key rotation', () => {
  const oldKey = Buffer.alloc(32, 1).toString('base64');
  const newKey = Buffer.alloc(32, 2).toString('base64');

  it('opens what the previous key sealed and seals new values with the current key', () => {
    const before = SecretBox.fromKeyring({
      TESSERA_ENCRYPTION_KEY: oldKey,
      TESSERA_ENCRYPTION_KEY_VERSION: 'v1',
      TESSERA_PREVIOUS_ENCRYPTION_KEYS: {},
    });
    const sealedBefore = before.encrypt('idp-token', 'row-1');
    const after = SecretBox.fromKeyring({
      TESSERA_ENCRYPTION_KEY: newKey,
      TESSERA_ENCRYPTION_KEY_VERSION: 'v2',
      TESSERA_PREVIOUS_ENCRYPTION_KEYS: { v1: oldKey },
    });
    expect(after.decrypt(sealedBefore, 'row-1')).toBe('idp-token');
    const sealedAfter = after.encrypt('idp-token', 'row-1');
    expect(sealedAfter.startsWith('v2.')).toBe(true);
    // The retired key alone cannot open what the new key sealed.
    expect(() => before.decrypt(sealedAfter, 'row-1')).toThrow();
  });
});
