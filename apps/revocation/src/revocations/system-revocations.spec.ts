import { describe, expect, it } from 'vitest';
import { revocationPayload } from '@app/contracts';
import { clientDeletedRevocation, epochSeconds, signingKeyRevocation } from './system-revocations';

describe('revocations the system records on events', () => {
  it("revokes a deleted client's tokens up to the second of the deletion, forever", () => {
    const payload = clientDeletedRevocation('cli_1', '2025-01-02T03:04:05.678Z');
    expect(revocationPayload.parse(payload)).toEqual({
      target: { kind: 'client', client_id: 'cli_1', not_before: epochSeconds('2025-01-02T03:04:05.678Z') },
      expires_at: null,
      reason: 'client_deleted',
      revoked_by: { kind: 'system' },
      revoked_at: '2025-01-02T03:04:05.678Z',
      // Payload 1.1: whom it concerns.
      client_id: 'cli_1',
    });
    expect(payload.target).toMatchObject({ not_before: 1735787045 });
  });

  it('is the same revocation for a redelivered event (a no-op, not a later not-before)', () => {
    expect(clientDeletedRevocation('c', '2025-01-02T03:04:05Z')).toEqual(
      clientDeletedRevocation('c', '2025-01-02T03:04:05Z'),
    );
  });

  it('revokes everything a revoked signing key signed', () => {
    expect(revocationPayload.parse(signingKeyRevocation('kid-123456', '2025-01-02T03:04:05Z'))).toMatchObject(
      {
        target: { kind: 'signing_key', kid: 'kid-123456' },
        expires_at: null,
        reason: 'signing_key_revoked',
      },
    );
  });
});
