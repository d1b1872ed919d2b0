import { z } from 'zod';
import { ManagementError, notFound, queryBoolean, queryText } from '@app/management';
import type { RevocationCause } from '../revocations/revocation-cause';

/** Ids are opaque text of bounded length; anything else cannot name one of our objects. */
const MAX_ID_LENGTH = 512;

/** Auth0's 400 `invalid_uri` for a path parameter that cannot be an id of the kind asked for. */
export function pathId(value: string, property: string): string {
  if (value.length === 0 || value.length > MAX_ID_LENGTH || hasControlCharacter(value)) {
    throw new ManagementError(
      400,
      `Path validation error: 'String is too long or malformed' on property ${property}.`,
      'invalid_uri',
    );
  }
  return value;
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) if (value.charCodeAt(index) < 0x20) return true;
  return false;
}

/** Auth0's checkpoint pagination (`from` = the last id of the previous page, `take`), as on sessions and refresh tokens. */
export const checkpointQuery = z
  .object({
    from: queryText(MAX_ID_LENGTH).optional(),
    take: z.coerce
      .number({ error: 'Expected a number' })
      .int('Expected an integer take')
      .min(1, 'take must be at least 1')
      .max(100, 'take must be at most 100')
      .default(50),
    include_totals: queryBoolean(false),
  })
  .strict();
export type CheckpointQuery = z.output<typeof checkpointQuery>;

/** A checkpoint page: `next` only when there is one. */
export function checkpointPage<K extends string, T>(
  key: K,
  items: T[],
  more: boolean,
  lastId: (item: T) => string,
): Record<K, T[]> & { next?: string } {
  const last = items[items.length - 1];
  return { [key]: items, ...(more && last ? { next: lastId(last) } : {}) } as Record<K, T[]> & {
    next?: string;
  };
}

/** Who revoked through the Management API, for the audit trail of the revocation event. */
export function adminCause(sub: string, reason: RevocationCause['reason'] = 'admin'): RevocationCause {
  return { reason, revokedBy: { kind: 'admin', sub } };
}

/** Epoch seconds as the Management API writes dates (ISO 8601). */
export function isoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** The admin a Management API call acts as: its token's subject (`{client}@clients` for machine tokens). */
export function adminSubOf(caller: { sub: string; clientId: string | undefined }): string {
  return caller.sub || caller.clientId || 'management-api';
}

/**
 * Auth0's 404 "User not found" for `GET /api/v2/users/{id}/refresh-tokens` and `/sessions`: the user
 * was deleted, or neither the accounts topic nor the audit stream has ever named it.
 */
export async function requireUser(
  users: { existence(userId: string): Promise<'exists' | 'deleted' | 'unknown'> },
  userId: string,
): Promise<void> {
  if ((await users.existence(userId)) !== 'exists') throw notFound('User not found', 'inexistent_user');
}
