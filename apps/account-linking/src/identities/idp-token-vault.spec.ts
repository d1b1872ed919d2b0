import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '@app/secrets';
import type { IdentityEntity } from '../users/identity.entity';
import { IdpTokenVault } from './idp-token-vault';

const identity = (providerUserId: string): IdentityEntity => ({
  provider: 'oidc',
  providerUserId,
  userId: `oidc|${providerUserId}`,
  connection: 'upstream',
  isSocial: false,
  position: 0,
  profileData: null,
  accessTokenSealed: null,
  refreshTokenSealed: null,
  accessTokenExpiresAt: null,
  passwordHash: null,
  createdAt: new Date(),
});

describe('IdpTokenVault', () => {
  const box = new SecretBox({ v1: randomBytes(32) }, 'v1');
  const vault = new IdpTokenVault(box);
  const tokens = { accessToken: 'upstream-access', refreshToken: 'upstream-refresh', idToken: undefined };

  it('seals both tokens (versioned AES-256-GCM) and opens them with the time left', () => {
    const now = new Date();
    const sealed = vault.seal(identity('upstream|a'), {
      ...tokens,
      expiresAt: new Date(now.getTime() + 60_500),
    });
    expect(sealed.accessTokenSealed).toMatch(/^v1\./);
    expect(sealed.accessTokenSealed).not.toContain('upstream-access');
    expect(sealed.refreshTokenSealed).not.toContain('upstream-refresh');
    expect(vault.open(sealed, now)).toEqual({
      access_token: 'upstream-access',
      refresh_token: 'upstream-refresh',
      expires_in: 60,
    });
    expect(vault.open(identity('upstream|none'))).toBeNull();
  });

  it('keeps the stored refresh token when the provider does not send a new one', () => {
    const first = vault.seal(identity('upstream|b'), { ...tokens, expiresAt: null });
    const again = vault.seal(first, {
      accessToken: 'second',
      refreshToken: undefined,
      idToken: undefined,
      expiresAt: null,
    });
    expect(vault.open(again)).toEqual({ access_token: 'second', refresh_token: 'upstream-refresh' });
  });

  it('binds sealed tokens to their identity and kind', () => {
    const sealed = vault.seal(identity('upstream|c'), { ...tokens, expiresAt: null });
    const copied = { ...identity('upstream|d'), accessTokenSealed: sealed.accessTokenSealed };
    expect(() => vault.open(copied)).toThrow();
    const swapped = { ...sealed, refreshTokenSealed: sealed.accessTokenSealed };
    expect(() => vault.open(swapped)).toThrow();
  });
});
