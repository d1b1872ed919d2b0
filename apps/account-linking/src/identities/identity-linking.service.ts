import { Inject, Injectable } from '@nestjs/common';
import {
  identityLinked,
  identityUnlinked,
  TOPICS,
  userCreated,
  userDeleted,
  userUpdated,
  type EventContext,
  type IdentityLink,
} from '@app/contracts';
import { AccessTokenVerifier } from '@app/jwt';
import { conflict, ManagementError } from '@app/management';
import { Outbox, type OutboxEvent } from '@app/outbox';
import type { EntityManager } from 'typeorm';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from '../config/account-linking.config';
import { invalidUri } from '../management/path-validation';
import { ConnectionsService } from '../connections/connections.service';
import type { IdentityEntity } from '../users/identity.entity';
import type { UserEntity } from '../users/user.entity';
import { isUniqueViolation, UsersRepository } from '../users/users.repository';
import { userEvent } from '../users/user-events';
import { checkUserId, USER_EXISTS, USER_NOT_FOUND } from '../users/users.service';
import type { LinkIdentityBody } from './identity.schemas';
import { secondaryUserFromLinkWith } from './link-with-token';
import { profileDataOf, profileFieldsOf } from './profile-data';

/** Auth0's 400s for linking (reference/auth0-api.md §3); they carry no errorCode. */
const badLink = (message: string) => new ManagementError(400, message);
const IDENTITY_EXISTS = () => conflict('Specified identity already exists.', 'identity_conflict');
/** Providers whose users this service can hold: the database connection and upstream OIDC. */
const PROVIDER = /^[A-Za-z0-9_-]{1,64}$/;
const PROVIDER_USER_ID = /^[\x21-\x7e]{1,255}$/;
const KNOWN_PROVIDERS = new Set(['auth0', 'oidc']);

export interface LinkCaller {
  readonly clientId: string | undefined;
}

/**
 * Account linking with Auth0's semantics: the secondary user disappears, its metadata is discarded and
 * its identities move under the primary; unlinking makes the identity a standalone user again, without
 * metadata. Each change ends with full snapshots of every user it touched (the accounts topic is
 * compacted by user id), written with the `identity.*` event in one transaction (outbox).
 */
@Injectable()
export class IdentityLinkingService {
  constructor(
    private readonly users: UsersRepository,
    private readonly connections: ConnectionsService,
    private readonly verifier: AccessTokenVerifier,
    private readonly outbox: Outbox,
    @Inject(ACCOUNT_LINKING_CONFIG) private readonly config: AccountLinkingConfig,
  ) {}

  async link(
    primaryUserId: string,
    body: LinkIdentityBody,
    caller: LinkCaller,
    context: EventContext,
  ): Promise<IdentityEntity[]> {
    checkUserId(primaryUserId);
    // An unknown primary is a 404 whatever the body says (checked again under lock below).
    if (!(await this.users.findById(primaryUserId))) throw USER_NOT_FOUND();
    const secondaryUserId = await this.secondaryUserId(primaryUserId, body, caller);
    if (secondaryUserId === primaryUserId) throw badLink('Main identity and the new one are the same.');
    return this.outbox.transaction(async (manager) => {
      const locked = await this.users.lockUsers(manager, [primaryUserId, secondaryUserId]);
      const primary = locked.get(primaryUserId);
      if (!primary) throw USER_NOT_FOUND();
      const secondary = locked.get(secondaryUserId);
      if (!secondary) throw badLink('Provided secondary account not found.');

      const identities = await this.users.identitiesOf([primaryUserId, secondaryUserId], manager);
      const primaryIdentities = identities.get(primaryUserId) ?? [];
      const secondaryIdentities = identities.get(secondaryUserId) ?? [];
      const [secondaryOwn] = secondaryIdentities;
      if (!secondaryOwn) throw badLink('Unable to link with the secondary account.');

      // Every identity of the secondary moves, its own first; the own one keeps the secondary's root
      // profile (and password) because the secondary user row goes away.
      let position = Math.max(-1, ...primaryIdentities.map((identity) => identity.position)) + 1;
      const moved = secondaryIdentities.map((identity) => ({
        ...identity,
        userId: primaryUserId,
        position: position++,
        ...(identity === secondaryOwn
          ? { profileData: profileDataOf(secondary), passwordHash: secondary.passwordHash }
          : {}),
      }));
      for (const identity of moved) await this.users.saveIdentity(manager, identity);
      await this.users.delete(manager, secondaryUserId);
      const updatedPrimary = { ...primary, updatedAt: new Date() };
      await this.users.save(manager, updatedPrimary);
      const primaryNow = [...primaryIdentities, ...moved];

      const link = linkOf(primaryUserId, secondaryUserId, secondaryOwn);
      const deleted = { ...secondary, updatedAt: updatedPrimary.updatedAt };
      return {
        result: primaryNow,
        events: [
          identityEvent(identityLinked, link, context),
          userEvent(userUpdated, updatedPrimary, primaryNow, context),
          userEvent(userDeleted, deleted, secondaryIdentities, context),
        ],
      };
    });
  }

  async unlink(
    primaryUserId: string,
    provider: string,
    providerUserId: string,
    context: EventContext,
  ): Promise<IdentityEntity[]> {
    checkUserId(primaryUserId);
    if (!PROVIDER.test(provider)) throw invalidUri('provider', 'The identity provider');
    if (!PROVIDER_USER_ID.test(providerUserId)) throw invalidUri('user_id', 'The id of the identity');
    try {
      return await this.outbox.transaction(async (manager) => {
        const primary = (await this.users.lockUsers(manager, [primaryUserId])).get(primaryUserId);
        if (!primary) throw USER_NOT_FOUND();
        const identities = (await this.users.identitiesOf([primaryUserId], manager)).get(primaryUserId) ?? [];
        const index = identities.findIndex(
          (identity) => identity.provider === provider && identity.providerUserId === providerUserId,
        );
        if (index === 0 || `${provider}|${providerUserId}` === primaryUserId) {
          throw badLink('Main identity cannot be removed.');
        }
        const identity = identities[index];
        // Not linked here: nothing to do, the identities are what they were (Auth0 answers 200).
        if (!identity) return { result: identities, events: [] };
        return this.detach(manager, primary, identities, identity, context);
      });
    } catch (error) {
      // The identity's old user id or email was taken while it was linked.
      if (isUniqueViolation(error)) throw USER_EXISTS();
      throw error;
    }
  }

  private async detach(
    manager: EntityManager,
    primary: UserEntity,
    identities: readonly IdentityEntity[],
    identity: IdentityEntity,
    context: EventContext,
  ) {
    const now = new Date();
    const standalone: UserEntity = {
      userId: `${identity.provider}|${identity.providerUserId}`,
      connection: identity.connection,
      ...profileFieldsOf(identity.profileData),
      passwordHash: identity.passwordHash,
      blocked: false,
      // Auth0: the unlinked identity becomes a new user without metadata.
      userMetadata: {},
      appMetadata: {},
      lastLogin: null,
      lastIp: null,
      loginsCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    const own: IdentityEntity = {
      ...identity,
      userId: standalone.userId,
      position: 0,
      profileData: null,
      passwordHash: null,
    };
    await this.users.insertUser(manager, standalone);
    await this.users.saveIdentity(manager, own);
    const updatedPrimary = { ...primary, updatedAt: now };
    await this.users.save(manager, updatedPrimary);
    const remaining = identities.filter((candidate) => candidate !== identity);
    const link = linkOf(primary.userId, standalone.userId, identity);
    return {
      result: remaining,
      events: [
        identityEvent(identityUnlinked, link, context),
        userEvent(userUpdated, updatedPrimary, remaining, context),
        userEvent(userCreated, standalone, [own], context),
      ],
    };
  }

  /** The user behind the identity to link, from `link_with` or from `{provider, user_id}`. */
  private async secondaryUserId(
    primaryUserId: string,
    body: LinkIdentityBody,
    caller: LinkCaller,
  ): Promise<string> {
    if (body.kind === 'id_token') {
      const sub = await secondaryUserFromLinkWith(
        this.verifier,
        this.config.TESSERA_ISSUER,
        body.idToken,
        caller,
      );
      try {
        checkUserId(sub);
      } catch {
        throw badLink('JWT (link_with) contains an invalid sub claim.');
      }
      return sub;
    }
    if (!KNOWN_PROVIDERS.has(body.provider)) throw badLink('The provider/connection is not configured.');
    if (body.connectionId !== undefined && !(await this.connections.findById(body.connectionId))) {
      throw badLink('The provider/connection is not configured.');
    }
    const identity = await this.users.findIdentity(body.provider, body.userId);
    if (!identity) throw badLink('Linking to an inexistent identity is not allowed.');
    if (identity.userId === primaryUserId) {
      if (identity.position === 0) throw badLink('Main identity and the new one are the same.');
      throw IDENTITY_EXISTS();
    }
    // Already a secondary identity of another user: it has no user of its own to merge.
    if (identity.position !== 0) throw IDENTITY_EXISTS();
    if (body.connectionId !== undefined) {
      const connection = await this.connections.findById(body.connectionId);
      if (connection?.name !== identity.connection) {
        throw badLink('The provider/connection is not configured.');
      }
    }
    return identity.userId;
  }
}

function linkOf(primaryUserId: string, secondaryUserId: string, identity: IdentityEntity): IdentityLink {
  return {
    primary_user_id: primaryUserId,
    secondary_user_id: secondaryUserId,
    provider: identity.provider,
    identity_user_id: identity.providerUserId,
    connection: identity.connection,
  };
}

function identityEvent(
  definition: typeof identityLinked | typeof identityUnlinked,
  link: IdentityLink,
  context: EventContext,
): OutboxEvent {
  // Keyed by the primary, so the link and the primary's new snapshot share a partition, in order.
  return { topic: TOPICS.accounts.name, key: link.primary_user_id, event: definition.create(link, context) };
}
