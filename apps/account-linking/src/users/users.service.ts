import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { userCreated, userDeleted, userUpdated, type EventContext } from '@app/contracts';
import {
  conflict,
  invalidBody,
  invalidQueryString,
  ManagementError,
  notFound,
  pageOf,
  pageWindow,
} from '@app/management';
import { Outbox } from '@app/outbox';
import { DATABASE_PROVIDER } from '../connections/database-connection';
import { ConnectionsService } from '../connections/connections.service';
import { invalidUri } from '../management/path-validation';
import { HashingQueueFullError } from '../passwords/hashing-queue';
import { PasswordHasher } from '../passwords/password-hasher';
import { isStrongEnough } from '../passwords/password-policy';
import { IdpTokensService } from '../identities/idp-tokens.service';
import { AttackProtection } from '../attack-protection/attack-protection.service';
import { userLogins } from '../attack-protection/user-logins';
import type { IdentityEntity } from './identity.entity';
import { METADATA_MAX_BYTES, mergeMetadata, metadataBytes, type Metadata } from './metadata';
import type { UserEntity } from './user.entity';
import {
  emailFromQuery,
  type CreateUserBody,
  type ListUsersQuery,
  type UpdateUserBody,
} from './user.schemas';
import { passwordChangedEvent, userEvent } from './user-events';
import { toUserView, type UserView } from './user.view';
import { isUniqueViolation, UsersRepository } from './users.repository';

/** `<provider>|<id>` with printable ASCII only: anything else cannot be a user id of ours. */
const USER_ID = /^[A-Za-z0-9_-]{1,64}\|[\x21-\x7e]{1,255}$/;

export const USER_NOT_FOUND = () => notFound('The user does not exist.', 'inexistent_user');
export const USER_EXISTS = () => conflict('The user already exists.', 'auth0_idp_error');
/** Auth0's answer to a password that fails the connection's policy (no errorCode). */
const PASSWORD_TOO_WEAK = () => new ManagementError(400, 'PasswordStrengthError: Password is too weak');

/** How a user is read: with identity-provider tokens only for callers holding `read:user_idp_tokens`. */
export type ReadOptions =
  { readonly idpTokens: false } | { readonly idpTokens: true; readonly context: EventContext };
const NO_IDP_TOKENS: ReadOptions = { idpTokens: false };

/**
 * The Management API's rules for users (`/api/v2/users`). Every change is written with its `user.*`
 * event in one transaction (outbox).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly connections: ConnectionsService,
    private readonly passwords: PasswordHasher,
    private readonly outbox: Outbox,
    private readonly idpTokens: IdpTokensService,
    private readonly attackProtection: AttackProtection,
  ) {}

  async create(body: CreateUserBody, context: EventContext): Promise<UserView> {
    const connection = await this.connections.findByName(body.connection);
    if (!connection)
      throw new ManagementError(400, 'The connection does not exist.', 'inexistent_connection');
    if (connection.strategy !== 'auth0') {
      throw new ManagementError(
        400,
        'Users with a password can only be created in the database connection',
        'operation_not_supported',
      );
    }
    if (!isStrongEnough(body.password)) throw PASSWORD_TOO_WEAK();
    const userMetadata = checkedMetadata('user_metadata', body.user_metadata ?? {});
    const appMetadata = checkedMetadata('app_metadata', body.app_metadata ?? {});

    const id = body.user_id ?? randomBytes(12).toString('hex');
    const email = body.email.toLowerCase();
    const now = new Date();
    const user: UserEntity = {
      userId: `${DATABASE_PROVIDER}|${id}`,
      connection: connection.name,
      email,
      emailVerified: body.email_verified ?? false,
      username: body.username ?? null,
      // Auth0's defaults for database users: the email as name, its local part as nickname.
      name: body.name ?? email,
      nickname: body.nickname ?? email.split('@')[0] ?? email,
      picture: body.picture ?? gravatar(email),
      givenName: body.given_name ?? null,
      familyName: body.family_name ?? null,
      passwordHash: await this.hashPassword(body.password),
      blocked: body.blocked ?? false,
      userMetadata,
      appMetadata,
      lastLogin: null,
      lastIp: null,
      loginsCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    const identity: IdentityEntity = {
      provider: DATABASE_PROVIDER,
      providerUserId: id,
      userId: user.userId,
      connection: connection.name,
      isSocial: false,
      position: 0,
      profileData: null,
      accessTokenSealed: null,
      refreshTokenSealed: null,
      accessTokenExpiresAt: null,
      passwordHash: null,
      createdAt: now,
    };
    try {
      await this.outbox.transaction(async (manager) => {
        await this.repository.insert(manager, user, identity);
        return { result: undefined, events: [userEvent(userCreated, user, [identity], context)] };
      });
    } catch (error) {
      // Same email (or username, or chosen id) in the connection: the unique index decides, so two
      // concurrent creations cannot both succeed.
      if (isUniqueViolation(error)) throw USER_EXISTS();
      throw error;
    }
    return toUserView(user, [identity]);
  }

  async list(query: ListUsersQuery, reading: ReadOptions = NO_IDP_TOKENS) {
    let email: string | undefined;
    if (query.q !== undefined) {
      const parsed = emailFromQuery(query.q);
      if (parsed === null) {
        throw invalidQueryString(`'Only queries of the form email:"address" are supported' on property q.`);
      }
      email = parsed.toLowerCase();
    }
    const [users, total] = await this.repository.list({ email }, pageWindow(query));
    return pageOf('users', await this.views(users, reading), total, query);
  }

  /** Users with exactly this email, in any connection (Auth0: case-insensitive). */
  async findByEmail(email: string, reading: ReadOptions = NO_IDP_TOKENS): Promise<UserView[]> {
    const [users] = await this.repository.list({ email: email.toLowerCase() }, { skip: 0, take: 100 });
    return this.views(users, reading);
  }

  async get(userId: string, reading: ReadOptions = NO_IDP_TOKENS): Promise<UserView> {
    const [view] = await this.views([await this.find(userId)], reading);
    return view!;
  }

  async update(userId: string, body: UpdateUserBody, context: EventContext): Promise<UserView> {
    if (body.password !== undefined && !isStrongEnough(body.password)) throw PASSWORD_TOO_WEAK();
    checkUserId(userId);
    if (body.connection !== undefined) await this.requireOwnConnection(userId, body.connection);
    const passwordHash = body.password !== undefined ? await this.hashPassword(body.password) : undefined;
    try {
      const { view, logins } = await this.outbox.transaction(async (manager) => {
        const existing = await this.repository.findForUpdate(manager, userId);
        if (!existing) throw USER_NOT_FOUND();
        const email = body.email?.toLowerCase() ?? existing.email;
        const user: UserEntity = {
          ...existing,
          email,
          // A new address is unverified unless the caller says otherwise (Auth0).
          emailVerified: body.email_verified ?? (email !== existing.email ? false : existing.emailVerified),
          username: body.username ?? existing.username,
          name: body.name ?? existing.name,
          nickname: body.nickname ?? existing.nickname,
          picture: body.picture ?? existing.picture,
          givenName: body.given_name ?? existing.givenName,
          familyName: body.family_name ?? existing.familyName,
          passwordHash: passwordHash ?? existing.passwordHash,
          blocked: body.blocked ?? existing.blocked,
          userMetadata: body.user_metadata
            ? checkedMetadata('user_metadata', mergeMetadata(existing.userMetadata, body.user_metadata))
            : existing.userMetadata,
          appMetadata: body.app_metadata
            ? checkedMetadata('app_metadata', mergeMetadata(existing.appMetadata, body.app_metadata))
            : existing.appMetadata,
          updatedAt: new Date(),
        };
        await this.repository.save(manager, user);
        const identities = (await this.repository.identitiesOf([userId], manager)).get(userId) ?? [];
        return {
          result: { view: toUserView(user, identities), logins: userLogins(existing, identities) },
          events: [
            passwordHash !== undefined
              ? passwordChangedEvent(user, identities, context)
              : userEvent(userUpdated, user, identities, context),
          ],
        };
      });
      // Auth0: a new password lifts the user's brute-force blocks; the guesses they stopped are moot.
      if (passwordHash !== undefined) {
        await this.attackProtection.unblock({ logins }, { reason: 'password_changed' }, context);
      }
      return view;
    } catch (error) {
      if (isUniqueViolation(error)) throw USER_EXISTS();
      throw error;
    }
  }

  /** Auth0 answers 204 whether or not the user existed; only a real deletion emits `user.deleted`. */
  async delete(userId: string, context: EventContext): Promise<void> {
    checkUserId(userId);
    await this.outbox.transaction(async (manager) => {
      const existing = await this.repository.findForUpdate(manager, userId);
      if (!existing) return { result: undefined, events: [] };
      const identities = (await this.repository.identitiesOf([userId], manager)).get(userId) ?? [];
      await this.repository.delete(manager, userId);
      const deleted = { ...existing, updatedAt: new Date() };
      return { result: undefined, events: [userEvent(userDeleted, deleted, identities, context)] };
    });
  }

  /** A full hashing lane is a retryable 503 with `Retry-After`, never a 500 (docs/adr/0013). */
  private async hashPassword(password: string): Promise<string> {
    try {
      return await this.passwords.hash(password);
    } catch (error) {
      if (!(error instanceof HashingQueueFullError)) throw error;
      throw new ManagementError(
        503,
        'Too many passwords are being hashed right now; try again shortly',
        'temporarily_unavailable',
        { 'retry-after': String(error.retryAfterSeconds) },
      );
    }
  }

  private async find(userId: string): Promise<UserEntity> {
    checkUserId(userId);
    const user = await this.repository.findById(userId);
    if (!user) throw USER_NOT_FOUND();
    return user;
  }

  private async requireOwnConnection(userId: string, connection: string): Promise<void> {
    const user = await this.find(userId);
    if (user.connection !== connection) {
      throw invalidBody(
        `'The user does not have an identity in connection ${connection}' on property connection.`,
      );
    }
  }

  private async views(users: readonly UserEntity[], reading: ReadOptions): Promise<UserView[]> {
    const identities = await this.repository.identitiesOf(users.map((user) => user.userId));
    const views: UserView[] = [];
    for (const user of users) {
      const own = identities.get(user.userId) ?? [];
      // Only a caller with read:user_idp_tokens sees (and may cause a refresh of) upstream tokens.
      const tokens = reading.idpTokens ? await this.idpTokens.reveal(own, reading.context) : undefined;
      views.push(toUserView(user, own, tokens));
    }
    return views;
  }
}

export function checkUserId(userId: string): void {
  if (!USER_ID.test(userId)) throw invalidUri('id', 'ID of the user');
}

function checkedMetadata(property: 'user_metadata' | 'app_metadata', metadata: Metadata): Metadata {
  if (metadataBytes(metadata) > METADATA_MAX_BYTES) {
    throw invalidBody(`'${property} must not exceed ${METADATA_MAX_BYTES} bytes' on property ${property}.`);
  }
  return metadata;
}

/** Auth0's default picture: the Gravatar of the address (MD5 is Gravatar's key, not a security use). */
function gravatar(email: string): string {
  const digest = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  return `https://s.gravatar.com/avatar/${digest}?s=480&r=pg&d=identicon`;
}
