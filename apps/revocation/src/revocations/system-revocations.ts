import type { RevocationPayload } from '@app/contracts';
import { revocationFor } from './revocation-cause';

/** Epoch seconds of an event's `occurred_at`. */
export function epochSeconds(isoTimestamp: string): number {
  return Math.floor(Date.parse(isoTimestamp) / 1000);
}

/**
 * A deleted client's tokens: every token of the client issued up to the deletion. The not-before is
 * the deletion event's own time, not the time we consumed it, so a redelivered or replayed event
 * yields the same revocation (a no-op) rather than a later one.
 */
export function clientDeletedRevocation(clientId: string, deletedAt: string): RevocationPayload {
  // Forever (expires null): the client is gone, no token of it may come back to life.
  return revocationFor(
    { kind: 'client', client_id: clientId, not_before: epochSeconds(deletedAt) },
    null,
    { reason: 'client_deleted', revokedBy: { kind: 'system' } },
    new Date(deletedAt),
  );
}

/**
 * Every token a revoked signing key signed. Validators drop the key from the JWKS anyway; the event on
 * the revocation stream is for API resource servers that listen to that stream only.
 */
export function signingKeyRevocation(kid: string, revokedAt: string): RevocationPayload {
  return {
    target: { kind: 'signing_key', kid },
    expires_at: null,
    reason: 'signing_key_revoked',
    revoked_by: { kind: 'system' },
    revoked_at: revokedAt,
  };
}
