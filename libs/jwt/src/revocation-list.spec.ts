import { describe, expect, it } from 'vitest';
import type { RevocationPayload } from '@app/contracts';
import { RevocationList } from './revocation-list';

const now = Math.floor(Date.now() / 1000);
const revocation = (
  target: RevocationPayload['target'],
  expires_at: number | null = now + 60,
): RevocationPayload => ({
  target,
  expires_at,
  reason: 'client_request',
  revoked_by: { kind: 'system' },
  revoked_at: new Date().toISOString(),
});
const token = { jti: 'j1', sub: 'u1', clientId: 'c1', issuedAt: now - 10, kid: 'k1' };

describe('RevocationList', () => {
  it('revokes by jti, and a repeat changes nothing', () => {
    const list = new RevocationList();
    expect(list.isRevoked(token)).toBe(false);
    list.apply(revocation({ kind: 'jti', jti: 'j1' }));
    list.apply(revocation({ kind: 'jti', jti: 'j1' }));
    expect(list.isRevoked(token)).toBe(true);
    expect(list.isRevoked({ ...token, jti: 'j2' })).toBe(false);
    expect(list.size).toBe(1);
  });

  it('revokes tokens of a subject or client issued at or before the not-before, not after', () => {
    const list = new RevocationList();
    list.apply(revocation({ kind: 'subject', sub: 'u1', not_before: now - 5 }, null));
    expect(list.isRevoked(token)).toBe(true);
    expect(list.isRevoked({ ...token, issuedAt: now })).toBe(false);
    list.apply(revocation({ kind: 'client', client_id: 'c1', not_before: now }, null));
    expect(list.isRevoked({ ...token, sub: 'u2', issuedAt: now })).toBe(true);
  });

  it('never moves a not-before backwards (replays in any order are harmless)', () => {
    const list = new RevocationList();
    list.apply(revocation({ kind: 'subject', sub: 'u1', not_before: now }, null));
    list.apply(revocation({ kind: 'subject', sub: 'u1', not_before: now - 100 }, null));
    expect(list.isRevoked({ ...token, issuedAt: now - 50 })).toBe(true);
  });

  it('revokes everything a revoked key signed', () => {
    const list = new RevocationList();
    list.apply(revocation({ kind: 'signing_key', kid: 'k1' }, null));
    expect(list.isRevoked(token)).toBe(true);
    expect(list.isRevoked({ ...token, kid: 'k2' })).toBe(false);
  });

  it('revokes an opaque token by its grant or, for a refresh token, by its id', () => {
    const list = new RevocationList();
    const opaque = {
      jti: 'o1',
      grantId: 'g1',
      refreshTokenId: 'o1',
      sub: 'u1',
      clientId: 'c1',
      issuedAt: now,
    };
    expect(list.isRevoked(opaque)).toBe(false);
    list.apply(revocation({ kind: 'grant', grant_id: 'g1' }));
    expect(list.isRevoked(opaque)).toBe(true);
    expect(list.isRevoked({ ...opaque, grantId: 'g2' })).toBe(false);
    list.apply(revocation({ kind: 'refresh_token', refresh_token_id: 'o2' }));
    expect(list.isRevoked({ ...opaque, grantId: 'g2', jti: 'o2', refreshTokenId: 'o2' })).toBe(true);
    // A JWT does not name its grant: a grant revocation alone cannot touch it.
    expect(list.isRevoked(token)).toBe(false);
  });

  it('revokes the tokens carrying the sid of a revoked session, before any grant revocation arrives', () => {
    const list = new RevocationList();
    list.apply({ ...revocation({ kind: 'session', session_id: 's1' }), reason: 'session_deleted' });
    expect(list.isRevoked({ ...token, sessionId: 's1' })).toBe(true);
    expect(list.isRevoked({ ...token, sessionId: 's2' })).toBe(false);
    // A token of no session (client credentials) is not touched.
    expect(list.isRevoked(token)).toBe(false);
    expect(list.prune(now + 61)).toBe(1);
  });

  it('leaves the tokens of a logged-out session alone (a logout keeps them, as Auth0 does)', () => {
    const list = new RevocationList();
    list.apply({ ...revocation({ kind: 'session', session_id: 's1' }), reason: 'logout' });
    expect(list.isRevoked({ ...token, sessionId: 's1' })).toBe(false);
    expect(list.size).toBe(0);
  });

  it('prunes revocations of tokens that have expired anyway', () => {
    const list = new RevocationList();
    const earlier = now - 10;
    list.apply(revocation({ kind: 'jti', jti: 'old' }, now - 1), earlier);
    list.apply(revocation({ kind: 'jti', jti: 'live' }, now + 100), earlier);
    list.apply(revocation({ kind: 'grant', grant_id: 'old-grant' }, now - 1), earlier);
    list.apply(revocation({ kind: 'refresh_token', refresh_token_id: 'old-rt' }, now - 1), earlier);
    expect(list.size).toBe(4);
    expect(list.prune(now)).toBe(3);
    expect(list.size).toBe(1);
    expect(list.isRevoked({ ...token, jti: 'live' })).toBe(true);
  });

  it('does not store a revocation whose token has already expired (a replay of an uncompacted topic)', () => {
    const list = new RevocationList();
    list.apply(revocation({ kind: 'jti', jti: 'old' }, now - 1), now);
    list.apply(revocation({ kind: 'grant', grant_id: 'old-grant' }, now - 1), now);
    list.apply(revocation({ kind: 'refresh_token', refresh_token_id: 'old-rt' }, now - 1), now);
    expect(list.size).toBe(0);
    // Not-befores and signing keys have no expiry and always stay.
    list.apply(revocation({ kind: 'subject', sub: 'u1', not_before: now - 5 }, null), now);
    list.apply(revocation({ kind: 'signing_key', kid: 'k1' }, null), now);
    expect(list.size).toBe(2);
  });

  it('keeps an entry while the clock tolerance still lets its token be accepted', () => {
    const list = new RevocationList(30);
    list.apply(revocation({ kind: 'jti', jti: 'j1' }, now - 10), now);
    expect(list.isRevoked(token)).toBe(true);
    expect(list.prune(now)).toBe(0);
    expect(list.prune(now + 21)).toBe(1);
    expect(list.isRevoked(token)).toBe(false);
  });
});
