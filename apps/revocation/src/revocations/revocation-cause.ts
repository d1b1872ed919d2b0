import type { RevocationPayload } from '@app/contracts';

/** Why and by whom, as every revocation event says it. */
export interface RevocationCause {
  readonly reason: RevocationPayload['reason'];
  readonly revokedBy: RevocationPayload['revoked_by'];
}

/**
 * The revocation of `target` for `cause`, which matters until `expiresAt` (epoch seconds, when what it
 * covers has expired; null = forever). Revocations staged together pass one `at`.
 */
export function revocationFor(
  target: RevocationPayload['target'],
  expiresAt: number | null,
  cause: RevocationCause,
  at: Date = new Date(),
): RevocationPayload {
  return {
    target,
    expires_at: expiresAt,
    reason: cause.reason,
    revoked_by: cause.revokedBy,
    revoked_at: at.toISOString(),
  };
}

/** A token revoked because of a revocation in force takes its reason and author. */
export function causeOf(revocation: RevocationPayload): RevocationCause {
  return { reason: revocation.reason, revokedBy: revocation.revoked_by };
}
