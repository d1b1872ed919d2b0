import { Inject, Injectable } from '@nestjs/common';
import type { UserSnapshot } from '@app/contracts';
import { InsufficientScopeError, InvalidTokenError } from '../callers/bearer-errors';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from '../config/introspection.config';
import { ProfileDirectory } from '../profiles/profile-directory';
import { LiveTokenResolver } from '../tokens/live-token-resolver';

/** OIDC Core §5.3.2 claims, filtered by scope (§5.4); `sub` always. */
export type UserInfo = { sub: string } & Partial<Record<string, string | boolean>>;

/** Auth0's wording for every unusable token (reference/auth0-api.md §2.4). */
const INVALID = 'The access token is invalid or has expired';

/** OIDC Core §5.4: which profile claims each scope releases (of those Tessera's profiles hold). */
const CLAIMS_BY_SCOPE: Readonly<Record<string, readonly (keyof UserSnapshot)[]>> = {
  profile: ['name', 'family_name', 'given_name', 'nickname', 'picture', 'updated_at'],
  email: ['email', 'email_verified'],
};

/**
 * `/userinfo` with Auth0's semantics: the access token must be live (ours, unexpired, unrevoked),
 * either opaque (Auth0 mints those only for `/userinfo`) or a JWT whose `aud` includes
 * `{issuer}userinfo`; it must carry `openid`; the answer is the user's current profile, limited to
 * the claims its scopes release. A token whose user no longer exists (or is blocked) is refused too.
 */
@Injectable()
export class UserInfoService {
  private readonly userinfoAudience: string;

  constructor(
    private readonly tokens: LiveTokenResolver,
    private readonly profiles: ProfileDirectory,
    @Inject(INTROSPECTION_CONFIG) config: IntrospectionConfig,
  ) {
    this.userinfoAudience = `${config.TESSERA_ISSUER}userinfo`;
  }

  async userInfo(accessToken: string | undefined): Promise<UserInfo> {
    if (accessToken === undefined) throw new InvalidTokenError(INVALID);
    const live = await this.tokens.resolve(accessToken);
    if (!live || live.kind !== 'access_token') throw new InvalidTokenError(INVALID);
    const audiences = typeof live.aud === 'string' ? [live.aud] : live.aud;
    if (live.format === 'jwt' && !audiences.includes(this.userinfoAudience))
      throw new InvalidTokenError(INVALID);
    const scopes = new Set(live.scope.split(' '));
    // RFC 6750 §3.1: a live token without the scope is 403 insufficient_scope, not 401.
    if (!scopes.has('openid')) throw new InsufficientScopeError('openid');
    const profile = this.profiles.find(live.sub);
    if (!profile || profile.blocked) throw new InvalidTokenError(INVALID);
    return releasedClaims(profile, scopes);
  }
}

function releasedClaims(profile: UserSnapshot, scopes: ReadonlySet<string>): UserInfo {
  const info: UserInfo = { sub: profile.user_id };
  for (const [scope, claims] of Object.entries(CLAIMS_BY_SCOPE)) {
    if (!scopes.has(scope)) continue;
    for (const claim of claims) {
      const value = profile[claim];
      // OIDC Core §5.3.2: a claim without a value is omitted, not sent as null.
      if (typeof value === 'string' || typeof value === 'boolean') info[claim] = value;
    }
  }
  return info;
}
