import { describe, expect, it } from 'vitest';
import { validate } from '@app/management';
import { linkIdentityBody } from './identity.schemas';

describe('POST /api/v2/users/{id}/identities body', () => {
  it('reads either the secondary identity or a link_with ID token', () => {
    expect(validate(linkIdentityBody, { provider: 'auth0', user_id: 'abc', connection_id: 'con_1' })).toEqual(
      {
        ok: true,
        value: { kind: 'identity', provider: 'auth0', userId: 'abc', connectionId: 'con_1' },
      },
    );
    expect(validate(linkIdentityBody, { link_with: 'a.b.c' })).toEqual({
      ok: true,
      value: { kind: 'id_token', idToken: 'a.b.c' },
    });
  });

  it("refuses both forms at once, a missing provider or user_id, and unknown properties (Auth0's wording)", () => {
    const problem = (input: unknown) => {
      const result = validate(linkIdentityBody, input);
      return result.ok ? null : result.problem;
    };
    expect(problem({ link_with: 'a.b.c', provider: 'auth0' })).toMatch(/When link_with is sent/);
    expect(problem({})).toBe(`'Missing required property: provider'.`);
    expect(problem({ provider: 'auth0' })).toBe(`'Missing required property: user_id'.`);
    expect(problem({ provider: 'auth0', user_id: 'a', extra: 1 })).toMatch(
      /Additional properties not allowed: extra/,
    );
    expect(problem({ provider: 'a|b', user_id: 'x' })).toMatch(/on property provider/);
    expect(problem({ provider: 'auth0', user_id: 'a b' })).toMatch(/on property user_id/);
    expect(problem({ provider: 'auth0', user_id: 'x'.repeat(256) })).toMatch(/on property user_id/);
    expect(problem({ link_with: 'x'.repeat(16 * 1024 + 1) })).toMatch(/on property link_with/);
  });
});
