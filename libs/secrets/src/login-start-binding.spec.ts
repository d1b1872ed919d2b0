import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LoginStartBinding } from './login-start-binding';

describe('LoginStartBinding', () => {
  const key = randomBytes(32).toString('base64');
  const now = 1_800_000_000;
  const fields = { transaction: 'tx-1', connection: 'upstream', clientId: 'app-1', expiresAt: now + 600 };
  const issuance = LoginStartBinding.fromEncryptionKey(key);
  const accountLinking = LoginStartBinding.fromEncryptionKey(key);

  it('verifies in one service what the other signed with the same deployment key', () => {
    const binding = issuance.sign(fields);
    expect(binding).toMatch(/^[\w-]{43}$/);
    expect(accountLinking.verify(fields, binding, now)).toBe(true);
  });

  it('refuses another transaction, connection, client or expiry, another key, an expired link and garbage', () => {
    const binding = issuance.sign(fields);
    expect(accountLinking.verify({ ...fields, clientId: 'app-2' }, binding, now)).toBe(false);
    expect(accountLinking.verify({ ...fields, transaction: 'tx-2' }, binding, now)).toBe(false);
    expect(accountLinking.verify({ ...fields, connection: 'other' }, binding, now)).toBe(false);
    expect(accountLinking.verify({ ...fields, expiresAt: fields.expiresAt + 3600 }, binding, now)).toBe(
      false,
    );
    expect(accountLinking.verify(fields, binding, fields.expiresAt)).toBe(false);
    const stranger = LoginStartBinding.fromEncryptionKey(randomBytes(32).toString('base64'));
    expect(stranger.verify(fields, binding, now)).toBe(false);
    expect(accountLinking.verify(fields, '', now)).toBe(false);
    expect(accountLinking.verify(fields, binding.slice(0, 20), now)).toBe(false);
    expect(accountLinking.verify({ ...fields, expiresAt: Number.NaN }, binding, now)).toBe(false);
  });

  it('keeps fields apart: moving characters between transaction and connection breaks it', () => {
    const binding = issuance.sign({ ...fields, transaction: 'ab', connection: 'c' });
    expect(accountLinking.verify({ ...fields, transaction: 'a', connection: 'bc' }, binding, now)).toBe(
      false,
    );
  });
});
