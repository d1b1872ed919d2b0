import type { UserEntity } from '../users/user.entity';

/**
 * The root profile of a user that becomes a secondary identity (Auth0 keeps it under
 * `identities[n].profileData`), and back: what a standalone user gets when it is unlinked.
 */
export function profileDataOf(user: UserEntity): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    email: user.email,
    email_verified: user.emailVerified,
    username: user.username,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
    given_name: user.givenName,
    family_name: user.familyName,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}

type ProfileFields = Pick<
  UserEntity,
  'email' | 'emailVerified' | 'username' | 'name' | 'nickname' | 'picture' | 'givenName' | 'familyName'
>;

export function profileFieldsOf(profileData: Record<string, unknown> | null): ProfileFields {
  const data = profileData ?? {};
  const text = (key: string) => (typeof data[key] === 'string' ? data[key] : null);
  return {
    email: text('email')?.toLowerCase() ?? null,
    emailVerified: data.email_verified === true,
    username: text('username'),
    name: text('name'),
    nickname: text('nickname'),
    picture: text('picture'),
    givenName: text('given_name'),
    familyName: text('family_name'),
  };
}
