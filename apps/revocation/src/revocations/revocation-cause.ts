import type { RevocationConcerns, RevocationPayload } from '@app/contracts';

/** Why and by whom, as every revocation event says it. */
export interface RevocationCause {
  // The readable reason: a token revoked because of a revocation in force copies its reason, known or newer.
  readonly reason: RevocationPayload['reason'];
  readonly revokedBy: RevocationPayload['revoked_by'];
}

/**
 * The revocation of `target` for `cause`, which matters until `expiresAt` (epoch seconds, when what it
 * covers has expired; null = forever), naming whom it `concerns` as far as that is known (issue #16).
 * Revocations staged together pass one `at`.
 */
export function revocationFor(
  target: RevocationPayload['target'],
  expiresAt: number | null,
  cause: RevocationCause,
  at: Date = new Date(),
  concerns: RevocationConcerns = {},
): RevocationPayload {
  return {
    target,
    expires_at: expiresAt,
    reason: cause.reason,
    revoked_by: cause.revokedBy,
    revoked_at: at.toISOString(),
    ...definedConcerns({ ...impliedByTarget(target), ...concerns }),
  };
}

/** What a target itself says of whom it concerns (a user's or a client's not-before, a grant…). */
function impliedByTarget(target: RevocationPayload['target']): RevocationConcerns {
  switch (target.kind) {
    case 'subject':
      return { sub: target.sub };
    case 'client':
      return { client_id: target.client_id };
    case 'grant':
      return { grant_id: target.grant_id };
    case 'session':
      return { session_id: target.session_id };
    case 'jti':
    case 'refresh_token':
    case 'signing_key':
      return {};
  }
}

/** Only the fields that are known: an absent one is left out, never `null` or empty. */
function definedConcerns(concerns: RevocationConcerns): RevocationConcerns {
  return Object.fromEntries(
    Object.entries(concerns).filter(
      ([, value]) => value !== undefined && value !== null && (!Array.isArray(value) || value.length > 0),
    ),
  );
}

/** A token revoked because of a revocation in force takes its reason and author. */
export function causeOf(revocation: RevocationPayload): RevocationCause {
  return { reason: revocation.reason, revokedBy: revocation.revoked_by };
}
