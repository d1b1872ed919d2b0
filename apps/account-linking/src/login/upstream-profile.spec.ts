import { describe, expect, it } from 'vitest';
import { profileDataFromUpstream, upstreamProfileOf } from './upstream-profile';

describe('upstream profile', () => {
  it('maps OIDC standard claims onto the root profile, with Auth0-like defaults', () => {
    const profile = upstreamProfileOf({
      sub: 's',
      email: 'Ada@Example.TEST',
      email_verified: true,
      preferred_username: 'ada',
      picture: 'https://img.example.test/a.png',
      given_name: 'Ada',
    });
    expect(profile).toEqual({
      email: 'ada@example.test',
      emailVerified: true,
      name: 'ada@example.test',
      nickname: 'ada',
      picture: 'https://img.example.test/a.png',
      givenName: 'Ada',
      familyName: null,
    });
    expect(profileDataFromUpstream(profile)).toEqual({
      email: 'ada@example.test',
      email_verified: true,
      name: 'ada@example.test',
      nickname: 'ada',
      picture: 'https://img.example.test/a.png',
      given_name: 'Ada',
    });
  });

  it('keeps nothing that is not a reasonable string', () => {
    const profile = upstreamProfileOf({
      email: 42,
      email_verified: 'true',
      name: 'x'.repeat(301),
      picture: 'javascript:alert(1)',
      given_name: { nested: true },
      family_name: '',
    });
    expect(profile).toEqual({
      email: null,
      emailVerified: false,
      name: null,
      nickname: null,
      picture: null,
      givenName: null,
      familyName: null,
    });
  });
});
