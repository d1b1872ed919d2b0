/** The profile an upstream provider gave, mapped onto a user's root profile (OIDC standard claims). */
export interface UpstreamProfile {
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name: string | null;
  readonly nickname: string | null;
  readonly picture: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
}

/** OpenID Connect Core §5.1 claims; anything not a reasonable string is left out, never stored. */
export function upstreamProfileOf(claims: Readonly<Record<string, unknown>>): UpstreamProfile {
  const text = (key: string, max: number) => {
    const value = claims[key];
    return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
  };
  const email = text('email', 254)?.toLowerCase() ?? null;
  const picture = text('picture', 2048);
  return {
    email,
    emailVerified: claims.email_verified === true,
    name: text('name', 300) ?? email,
    nickname: text('nickname', 300) ?? text('preferred_username', 300) ?? email?.split('@')[0] ?? null,
    picture: picture !== null && /^https?:\/\//.test(picture) ? picture : null,
    givenName: text('given_name', 150),
    familyName: text('family_name', 150),
  };
}

/** The same profile as Auth0 shows it under `identities[n].profileData` of a linked identity. */
export function profileDataFromUpstream(profile: UpstreamProfile): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    email: profile.email,
    email_verified: profile.emailVerified,
    name: profile.name,
    nickname: profile.nickname,
    picture: profile.picture,
    given_name: profile.givenName,
    family_name: profile.familyName,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}
