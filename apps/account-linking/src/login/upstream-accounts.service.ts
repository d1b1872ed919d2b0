import { Injectable } from '@nestjs/common';
import { userCreated, userUpdated, type EventContext } from '@app/contracts';
import { Outbox } from '@app/outbox';
import { IdpTokenVault } from '../identities/idp-token-vault';
import type { IdentityEntity } from '../users/identity.entity';
import type { UserEntity } from '../users/user.entity';
import { userEvent } from '../users/user-events';
import { isUniqueViolation, UsersRepository } from '../users/users.repository';
import type { UpstreamTokens } from '../upstream/upstream-provider';
import { profileDataFromUpstream, type UpstreamProfile } from './upstream-profile';
import { LoginError } from './login-error';

/** Auth0's provider name for OpenID Connect enterprise connections. */
export const OIDC_PROVIDER = 'oidc';

export interface UpstreamIdentity {
  readonly connection: string;
  /** The upstream `sub`. */
  readonly subject: string;
  readonly profile: UpstreamProfile;
  readonly tokens: UpstreamTokens;
}

/**
 * Resolves or creates the user behind an upstream identity. The identity is
 * `{provider: 'oidc', user_id: '<connection>|<sub>'}` as Auth0 names enterprise identities (the
 * connection keeps two providers' equal `sub`s apart), so a new user is `oidc|<connection>|<sub>`.
 * When the identity is linked under a primary, the primary signs in and the identity's `profileData`
 * is refreshed; otherwise the user's root profile is. Upstream tokens are sealed on the identity.
 */
@Injectable()
export class UpstreamAccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly vault: IdpTokenVault,
    private readonly outbox: Outbox,
  ) {}

  async signIn(upstream: UpstreamIdentity, context: EventContext): Promise<UserEntity> {
    try {
      return await this.outbox.transaction(async (manager) => {
        const providerUserId = `${upstream.connection}|${upstream.subject}`;
        const now = new Date();
        const known = await this.users.findIdentity(OIDC_PROVIDER, providerUserId, manager);
        if (!known) {
          const user = newUser(upstream, providerUserId, now);
          const identity = this.vault.seal(newIdentity(user, providerUserId, now), upstream.tokens);
          await this.users.insert(manager, user, identity);
          return { result: user, events: [userEvent(userCreated, user, [identity], context)] };
        }
        const user = (await this.users.lockUsers(manager, [known.userId])).get(known.userId);
        if (!user) throw new LoginError('The account of this identity is being changed; try again');
        const identity = this.vault.seal(
          known.position === 0 ? known : { ...known, profileData: profileDataFromUpstream(upstream.profile) },
          upstream.tokens,
        );
        const signedIn: UserEntity = {
          ...user,
          ...(known.position === 0 ? rootProfile(upstream.profile) : {}),
          lastLogin: now,
          loginsCount: user.loginsCount + 1,
          updatedAt: now,
        };
        await this.users.saveIdentity(manager, identity);
        await this.users.save(manager, signedIn);
        const identities = (await this.users.identitiesOf([user.userId], manager)).get(user.userId) ?? [];
        return { result: signedIn, events: [userEvent(userUpdated, signedIn, identities, context)] };
      });
    } catch (error) {
      // Another user of this connection already has the email the provider gave.
      if (isUniqueViolation(error)) throw new LoginError('Another account of this connection has this email');
      throw error;
    }
  }
}

function rootProfile(profile: UpstreamProfile) {
  return {
    email: profile.email,
    emailVerified: profile.emailVerified,
    name: profile.name,
    nickname: profile.nickname,
    picture: profile.picture,
    givenName: profile.givenName,
    familyName: profile.familyName,
  };
}

function newUser(upstream: UpstreamIdentity, providerUserId: string, now: Date): UserEntity {
  return {
    userId: `${OIDC_PROVIDER}|${providerUserId}`,
    connection: upstream.connection,
    ...rootProfile(upstream.profile),
    username: null,
    passwordHash: null,
    blocked: false,
    userMetadata: {},
    appMetadata: {},
    lastLogin: now,
    // Upstream logins do not learn the browser's address here; only password logins record it.
    lastIp: null,
    loginsCount: 1,
    createdAt: now,
    updatedAt: now,
  };
}

function newIdentity(user: UserEntity, providerUserId: string, now: Date): IdentityEntity {
  return {
    provider: OIDC_PROVIDER,
    providerUserId,
    userId: user.userId,
    connection: user.connection,
    isSocial: false,
    position: 0,
    profileData: null,
    accessTokenSealed: null,
    refreshTokenSealed: null,
    accessTokenExpiresAt: null,
    passwordHash: null,
    createdAt: now,
  };
}
