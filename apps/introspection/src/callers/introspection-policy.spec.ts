import { describe, expect, it } from 'vitest';
import { mayIntrospect } from './introspection-policy';

describe('who may introspect what', () => {
  const owner = { kind: 'client', clientId: 'owner' } as const;
  const stranger = { kind: 'client', clientId: 'stranger' } as const;
  const admin = { kind: 'management', clientId: 'ops-tool' } as const;

  it('lets any confidential client check a JWT access token (the API-backend case)', () => {
    expect(mayIntrospect(stranger, { format: 'jwt', clientId: 'owner' })).toBe(true);
  });

  it("keeps opaque tokens to their own client: another client's is inactive", () => {
    expect(mayIntrospect(owner, { format: 'opaque', clientId: 'owner' })).toBe(true);
    expect(mayIntrospect(stranger, { format: 'opaque', clientId: 'owner' })).toBe(false);
  });

  it('lets a Management token with the introspection scope see everything', () => {
    expect(mayIntrospect(admin, { format: 'opaque', clientId: 'owner' })).toBe(true);
    expect(mayIntrospect(admin, { format: 'jwt', clientId: 'owner' })).toBe(true);
  });
});
