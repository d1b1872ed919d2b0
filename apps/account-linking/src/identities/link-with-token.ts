import { AccessTokenVerifier } from '@app/jwt';
import { ManagementError } from '@app/management';

/** Auth0's 400 for a `link_with` ID token it refuses (reference/auth0-api.md §3), no errorCode. */
const refused = (message: string) => new ManagementError(400, message);

export interface LinkWithCaller {
  /** The calling token's `azp`: the application the secondary ID token must have been issued to. */
  readonly clientId: string | undefined;
}

/**
 * Checks the `link_with` ID token of `POST /api/v2/users/{id}/identities` as Auth0 does: RS256, our
 * issuer, a valid signature by one of our published keys (and unexpired), a `sub`, and an `aud` equal
 * to the calling token's `azp`. Returns the secondary user id (`sub`). The header and issuer are read
 * before the signature is checked only to pick Auth0's message; nothing unverified is trusted.
 */
export async function secondaryUserFromLinkWith(
  verifier: AccessTokenVerifier,
  issuer: string,
  idToken: string,
  caller: LinkWithCaller,
): Promise<string> {
  const unverified = decodeUnverified(idToken);
  if (!unverified) throw refused('Invalid token (link_with).');
  if (unverified.header.alg !== 'RS256') throw refused('JWT (link_with) must have an alg of RS256.');
  if (unverified.payload.iss !== issuer) {
    throw refused('JWT (link_with) must have the same issuer as the calling user.');
  }
  const verified = await verifier.verify(idToken);
  if (!verified) throw refused('Invalid token (link_with).');
  const { sub, aud } = verified.claims;
  if (sub === undefined) throw refused('JWT (link_with) must contains sub claim.');
  if (typeof sub !== 'string' || sub.length === 0) {
    throw refused('JWT (link_with) contains an invalid sub claim.');
  }
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (audiences.length === 0) throw refused('JWT (link_with) contains an invalid aud claim.');
  if (caller.clientId === undefined || !audiences.includes(caller.clientId)) {
    throw refused("JWT (link_with) must have an aud claim that matches that of the calling token's azp.");
  }
  return sub;
}

interface UnverifiedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

function decodeUnverified(token: string): UnverifiedJwt | null {
  if (!AccessTokenVerifier.looksLikeJwt(token)) return null;
  const [header, payload] = token.split('.');
  const parsedHeader = parseSegment(header);
  const parsedPayload = parseSegment(payload);
  return parsedHeader && parsedPayload ? { header: parsedHeader, payload: parsedPayload } : null;
}

function parseSegment(segment: string | undefined): Record<string, unknown> | null {
  if (segment === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
