import type { UserSnapshot } from '@app/contracts';
import type { IdpTokens } from '../identities/idp-token-vault';
import type { IdentityEntity } from './identity.entity';
import type { UserEntity } from './user.entity';

/** Identity-provider tokens by identity (`provider|user_id`), only for callers allowed to see them. */
export type RevealedIdpTokens = ReadonlyMap<string, IdpTokens>;

export function identityView(identity: IdentityEntity, tokens?: RevealedIdpTokens) {
  return {
    connection: identity.connection,
    user_id: identity.providerUserId,
    provider: identity.provider,
    isSocial: identity.isSocial,
    ...tokens?.get(`${identity.provider}|${identity.providerUserId}`),
    ...(identity.profileData ? { profileData: identity.profileData } : {}),
  };
}

/**
 * A user in Auth0's Management API v2 shape. Absent profile fields are left out rather than `null`,
 * as Auth0 does; `last_login`/`logins_count` appear once the user has logged in, `last_ip` once
 * a login's address was known.
 */
export function toUserView(
  user: UserEntity,
  identities: readonly IdentityEntity[],
  tokens?: RevealedIdpTokens,
) {
  return {
    user_id: user.userId,
    ...(user.email !== null ? { email: user.email } : {}),
    email_verified: user.emailVerified,
    ...(user.username !== null ? { username: user.username } : {}),
    ...(user.name !== null ? { name: user.name } : {}),
    ...(user.nickname !== null ? { nickname: user.nickname } : {}),
    ...(user.picture !== null ? { picture: user.picture } : {}),
    ...(user.givenName !== null ? { given_name: user.givenName } : {}),
    ...(user.familyName !== null ? { family_name: user.familyName } : {}),
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    identities: identities.map((identity) => identityView(identity, tokens)),
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    blocked: user.blocked,
    ...(user.lastLogin ? { last_login: user.lastLogin.toISOString(), logins_count: user.loginsCount } : {}),
    ...(user.lastIp !== null ? { last_ip: user.lastIp } : {}),
  };
}
export type UserView = ReturnType<typeof toUserView>;

/** The profile other services receive in `user.*` events: no hash, no metadata, no IdP tokens. */
export function toUserSnapshot(user: UserEntity, identities: readonly IdentityEntity[]): UserSnapshot {
  return {
    user_id: user.userId,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
    given_name: user.givenName,
    family_name: user.familyName,
    blocked: user.blocked,
    identities: identities.map((identity) => ({
      provider: identity.provider,
      user_id: identity.providerUserId,
      connection: identity.connection,
      isSocial: identity.isSocial,
    })),
    updated_at: user.updatedAt.toISOString(),
  };
}
