import { describe, expect, it } from 'vitest';
import { accessTokenIssued, revocationKey, type RevocationPayload } from '@app/contracts';
import type { Outbox } from '@app/outbox';
import { AuditStreamRevocations } from './audit-stream-revocations.service';
import type { DerivedTokenRevocations } from './derived-token-revocations.service';
import type { GrantRevocationsService } from './grant-revocations.service';
import type { OpaqueTokenStore } from './opaque-token-store';
import { revocationFor } from './revocation-cause';
import type { RevocationsRepository } from './revocations.repository';
import type { RevocationsService } from './revocations.service';

const now = Math.floor(Date.now() / 1000);

/** An exchanged JWT access token's event: same grant as its source, naming the source's jti. */
function exchanged(jti: string, sourceJti: string) {
  return accessTokenIssued.create(
    {
      jti,
      grant_id: 'gr_user',
      client_id: 'api-b',
      sub: 'auth0|u',
      aud: ['https://y.example.test/'],
      scope: 'read',
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      format: 'jwt',
      source_jti: sourceJti,
      issued_at: now,
      expires_at: now + 600,
      log_type: 'secte',
    },
    { correlationId: 'c-1' },
  );
}

/**
 * The in-memory store of revocations: what `inForce` answers is what was recorded before the batch,
 * so only the service itself can make a revocation of this batch count for a later token of it.
 */
function revocationStore(before: RevocationPayload[]) {
  const stored = new Map(before.map((payload) => [revocationKey(payload.target), payload]));
  const repository = {
    inForce: (keys: readonly string[]) =>
      Promise.resolve(new Map(keys.flatMap((key) => (stored.has(key) ? [[key, stored.get(key)!]] : [])))),
  } as unknown as RevocationsRepository;
  const revocations = {
    record: (payload: RevocationPayload) => {
      stored.set(revocationKey(payload.target), payload);
      return Promise.resolve(payload);
    },
  } as unknown as RevocationsService;
  return { stored, repository, revocations };
}

describe('AuditStreamRevocations: tokens reported after their source was revoked', () => {
  it('revokes a whole exchange chain that arrives in one batch after its root was revoked', async () => {
    const root = revocationFor({ kind: 'jti', jti: 'jti-root' }, now + 600, {
      reason: 'client_request',
      revokedBy: { kind: 'client', client_id: 'app' },
    });
    const { stored, repository, revocations } = revocationStore([root]);
    // Tokens the registry already holds that were exchanged from a late token (another partition's
    // batch brought them first) are the derived-token service's to revoke: it is asked for each.
    const cascaded: string[] = [];
    const derived = {
      revokeDerivedFrom: (jti: string) => {
        cascaded.push(jti);
        return Promise.resolve();
      },
    };
    const grantRevocations = {
      userGrantRevocationsOf: () => Promise.resolve(new Map()),
    } as unknown as GrantRevocationsService;
    const service = new AuditStreamRevocations(
      {} as Outbox,
      repository,
      revocations,
      grantRevocations,
      {} as OpaqueTokenStore,
      derived as unknown as DerivedTokenRevocations,
    );

    // Exchanged from the root, then from that one: both issued while the registry lagged the revoke.
    await service.apply([exchanged('jti-first', 'jti-root'), exchanged('jti-second', 'jti-first')]);

    for (const jti of ['jti-first', 'jti-second']) {
      expect(stored.get(revocationKey({ kind: 'jti', jti }))).toMatchObject({
        target: { kind: 'jti', jti },
        expires_at: now + 600,
        reason: 'client_request',
        revoked_by: { kind: 'client', client_id: 'app' },
      });
    }
    expect(cascaded).toEqual(['jti-first', 'jti-second']);
  });

  it('leaves a token whose source is not revoked alone', async () => {
    const { stored, repository, revocations } = revocationStore([]);
    const service = new AuditStreamRevocations(
      {} as Outbox,
      repository,
      revocations,
      { userGrantRevocationsOf: () => Promise.resolve(new Map()) } as unknown as GrantRevocationsService,
      {} as OpaqueTokenStore,
      {} as DerivedTokenRevocations,
    );
    await service.apply([exchanged('jti-first', 'jti-root'), exchanged('jti-second', 'jti-first')]);
    expect(stored.size).toBe(0);
  });
});
