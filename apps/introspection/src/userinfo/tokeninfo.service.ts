import { Injectable } from '@nestjs/common';
import type { UserSnapshot } from '@app/contracts';
import { AccessTokenVerifier, revocableTokenOf, RevocationList, TokenStateGate } from '@app/jwt';
import { InvalidTokenError } from '../callers/bearer-errors';
import { InMemoryClientDirectory } from '../clients/client-directory';
import { ProfileDirectory } from '../profiles/profile-directory';

/** Auth0's legacy profile (reference/auth0-api.md §2.5), from what Tessera's profiles hold. */
export type TokenInfo = {
  user_id: string;
  clientID: string;
  identities: UserSnapshot['identities'];
  email_verified: boolean;
  updated_at: string;
} & Partial<Record<'email' | 'name' | 'nickname' | 'picture' | 'given_name' | 'family_name', string>>;

const INVALID = 'Invalid ID token';

/**
 * Legacy `POST /tokeninfo` (Auth0): `{id_token}` → the user's profile. The ID token must be one we
 * signed (signature with a published, unrevoked key; `iss`; `exp`), issued to a client that exists,
 * not revoked (its user's or client's not-before, its key), and its user must still exist. An access
 * token is not an ID token: anything carrying `scope` is refused.
 */
@Injectable()
export class TokenInfoService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly clients: InMemoryClientDirectory,
    private readonly profiles: ProfileDirectory,
    private readonly tokenState: TokenStateGate,
  ) {}

  async tokenInfo(idToken: string): Promise<TokenInfo> {
    this.tokenState.assertOpen();
    const verified = await this.verifier.verify(idToken);
    if (!verified) throw new InvalidTokenError(INVALID);
    const { sub, aud, azp, scope } = verified.claims;
    if (typeof sub !== 'string' || scope !== undefined) throw new InvalidTokenError(INVALID);
    const clientId = await this.audienceClient(aud, azp);
    if (!clientId) throw new InvalidTokenError(INVALID);
    // The client is the ID token's audience (an ID token has no `azp` of its own to trust).
    const revoked = this.revocations.isRevoked({ ...revocableTokenOf(verified), clientId });
    if (revoked) throw new InvalidTokenError(INVALID);
    const profile = this.profiles.find(sub);
    if (!profile || profile.blocked) throw new InvalidTokenError(INVALID);
    return legacyProfile(profile, clientId);
  }

  /** OIDC Core §2: `aud` is the client (with `azp` naming it when there are several audiences). */
  private async audienceClient(aud: unknown, azp: unknown): Promise<string | null> {
    const audiences: unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    const clientId = audiences.length > 1 ? azp : audiences[0];
    if (typeof clientId !== 'string' || !audiences.includes(clientId)) return null;
    return (await this.clients.findClient(clientId)) ? clientId : null;
  }
}

function legacyProfile(profile: UserSnapshot, clientId: string): TokenInfo {
  const info: TokenInfo = {
    user_id: profile.user_id,
    clientID: clientId,
    identities: profile.identities,
    email_verified: profile.email_verified,
    updated_at: profile.updated_at,
  };
  for (const claim of ['email', 'name', 'nickname', 'picture', 'given_name', 'family_name'] as const) {
    const value = profile[claim];
    if (value !== null) info[claim] = value;
  }
  return info;
}
