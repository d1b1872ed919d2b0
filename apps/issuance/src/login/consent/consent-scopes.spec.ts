import { describe, expect, it } from 'vitest';
import type { ResourceServerEntity } from '../../resource-servers/resource-server.entity';
import { consentAudience, describeScopes, scopesToConsent } from './consent-scopes';

const ISSUER = 'https://id.example.test/';

describe('consent rules', () => {
  it('keeps OpenID Connect scopes alone under {issuer}userinfo, as Auth0 does', () => {
    expect(consentAudience(undefined, ISSUER)).toBe('https://id.example.test/userinfo');
    expect(consentAudience('https://api.example.test/', ISSUER)).toBe('https://api.example.test/');
  });

  it('asks for everything without a consent, even for no scope at all', () => {
    expect(scopesToConsent(['openid', 'read:notes'], null)).toEqual(['openid', 'read:notes']);
    expect(scopesToConsent([], null)).toEqual([]);
  });

  it('asks only for the scopes not consented yet, and not at all when the consent covers them', () => {
    expect(scopesToConsent(['openid', 'read:notes', 'write:notes'], ['openid', 'read:notes'])).toEqual([
      'write:notes',
    ]);
    expect(scopesToConsent(['openid'], ['openid', 'read:notes'])).toBeNull();
    expect(scopesToConsent([], [])).toBeNull();
  });

  it("describes an API's scopes by their own description, OIDC scopes by ours, else by name", () => {
    const api = { scopeDescriptions: { 'read:notes': 'Read your notes', 'write:notes': '' } };
    expect(
      describeScopes(['email', 'read:notes', 'write:notes'], api as unknown as ResourceServerEntity),
    ).toEqual([
      { scope: 'email', description: 'Your email address' },
      { scope: 'read:notes', description: 'Read your notes' },
      { scope: 'write:notes', description: 'write:notes' },
    ]);
  });
});
