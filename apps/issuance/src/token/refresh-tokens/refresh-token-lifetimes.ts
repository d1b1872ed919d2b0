import { DEFAULT_REFRESH_TOKEN_SETTINGS, type RefreshTokenSettings } from '../../clients/client-settings';

/**
 * A refresh token with no expiry still needs a TTL in the shared store; five years stands for
 * "infinite" there (the PostgreSQL row keeps null, and the token is refreshed long before).
 */
export const INFINITE_HORIZON_SECONDS = 5 * 365 * 86_400;

export interface RefreshTokenLifetimes {
  readonly rotating: boolean;
  readonly leewaySeconds: number;
  /** Absolute expiry of the family, fixed when the grant starts; null = infinite. */
  readonly absoluteExpiresAt: number | null;
  /** Idle expiry counted from `now`, capped by the absolute one; null = infinite. */
  readonly idleExpiresAt: number | null;
}

/**
 * Auth0's refresh-token settings of a client applied at `now` (reference/auth0-api.md §1.4): the
 * absolute lifetime applies to the whole family from its start and never grows on rotation; the
 * idle lifetime restarts at every exchange, with the client's current settings.
 */
export function refreshTokenLifetimes(
  settings: RefreshTokenSettings | null,
  now: number,
  familyIssuedAt: number,
): RefreshTokenLifetimes {
  const effective = settings ?? DEFAULT_REFRESH_TOKEN_SETTINGS;
  const expiring = effective.expiration_type === 'expiring';
  const absoluteExpiresAt =
    expiring && !effective.infinite_token_lifetime ? familyIssuedAt + effective.token_lifetime : null;
  const idle =
    expiring && !effective.infinite_idle_token_lifetime ? now + effective.idle_token_lifetime : null;
  const idleExpiresAt =
    idle === null ? null : absoluteExpiresAt === null ? idle : Math.min(idle, absoluteExpiresAt);
  return {
    rotating: effective.rotation_type === 'rotating',
    leewaySeconds: effective.leeway,
    absoluteExpiresAt,
    idleExpiresAt,
  };
}

/** When the token stops working: the earlier of its idle and absolute expiries (or the horizon). */
export function effectiveExpiry(
  lifetimes: Pick<RefreshTokenLifetimes, 'absoluteExpiresAt' | 'idleExpiresAt'>,
  now: number,
): number {
  const candidates = [lifetimes.absoluteExpiresAt, lifetimes.idleExpiresAt].filter(
    (value): value is number => value !== null,
  );
  return candidates.length > 0 ? Math.min(...candidates) : now + INFINITE_HORIZON_SECONDS;
}
