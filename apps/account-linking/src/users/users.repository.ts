import { Injectable } from '@nestjs/common';
import { DataSource, In, QueryFailedError, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { IdentityEntity } from './identity.entity';
import { UserEntity } from './user.entity';

/** Users and their identities; the only code that touches those tables. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(userId: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOne({ where: { userId } });
  }

  /** Locks the row for the rest of the transaction, so concurrent PATCHes merge metadata in turn. */
  findForUpdate(manager: EntityManager, userId: string): Promise<UserEntity | null> {
    return manager
      .getRepository(UserEntity)
      .findOne({ where: { userId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The user of a connection whose email (lower-cased) or username is `login`. */
  findByLogin(connection: string, login: string): Promise<UserEntity | null> {
    return this.dataSource.getRepository(UserEntity).findOne({
      where: [
        { connection, email: login.toLowerCase() },
        { connection, username: login },
      ],
    });
  }

  /** A page of users, oldest first, optionally only those with `email`, and how many match in all. */
  list(filter: { email?: string }, window: { skip: number; take: number }): Promise<[UserEntity[], number]> {
    const where: FindOptionsWhere<UserEntity> = filter.email !== undefined ? { email: filter.email } : {};
    return this.dataSource
      .getRepository(UserEntity)
      .findAndCount({ where, order: { createdAt: 'ASC', userId: 'ASC' }, ...window });
  }

  /** Identities of each user, in position order (the user's own first). */
  async identitiesOf(
    userIds: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, IdentityEntity[]>> {
    const byUser = new Map<string, IdentityEntity[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows = await manager
      .getRepository(IdentityEntity)
      .find({ where: { userId: In([...userIds]) }, order: { position: 'ASC' } });
    for (const row of rows) byUser.get(row.userId)?.push(row);
    return byUser;
  }

  /** Locks several users in one order (by id), so two links touching the same pair cannot deadlock. */
  async lockUsers(manager: EntityManager, userIds: readonly string[]): Promise<Map<string, UserEntity>> {
    const locked = new Map<string, UserEntity>();
    for (const userId of [...new Set(userIds)].sort()) {
      const user = await this.findForUpdate(manager, userId);
      if (user) locked.set(userId, user);
    }
    return locked;
  }

  findIdentity(
    provider: string,
    providerUserId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IdentityEntity | null> {
    return manager.getRepository(IdentityEntity).findOne({ where: { provider, providerUserId } });
  }

  /** A database identity linked under another user, found by the login its profile had. */
  findLinkedIdentityByLogin(connection: string, login: string): Promise<IdentityEntity | null> {
    return this.dataSource
      .getRepository(IdentityEntity)
      .createQueryBuilder('identity')
      .where('identity.connection = :connection', { connection })
      .andWhere('identity.position > 0')
      .andWhere(
        `(identity.profile_data ->> 'email' = :email OR identity.profile_data ->> 'username' = :login)`,
        { email: login.toLowerCase(), login },
      )
      .getOne();
  }

  async saveIdentity(manager: EntityManager, identity: IdentityEntity): Promise<void> {
    await manager.getRepository(IdentityEntity).save(identity);
  }

  async insertUser(manager: EntityManager, user: UserEntity): Promise<void> {
    await manager.getRepository(UserEntity).insert(user as QueryDeepPartialEntity<UserEntity>);
  }

  async insert(manager: EntityManager, user: UserEntity, identity: IdentityEntity): Promise<void> {
    // insert, not save: an existing row must fail the unique constraint, never be overwritten. (The
    // casts: TypeORM's partial-entity type cannot express JSONB columns typed as records.)
    await manager.getRepository(UserEntity).insert(user as QueryDeepPartialEntity<UserEntity>);
    await manager.getRepository(IdentityEntity).insert(identity as QueryDeepPartialEntity<IdentityEntity>);
  }

  async save(manager: EntityManager, user: UserEntity): Promise<void> {
    await manager.getRepository(UserEntity).save(user);
  }

  /** Deletes a user (its identities go with it: ON DELETE CASCADE). */
  async delete(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(UserEntity).delete({ userId });
  }

  /**
   * The distinct `last_ip`s of users whose last login was after `since` (all of them without it),
   * and the newest `last_login` among them: the owner addresses the hashing queue recognises.
   */
  async lastIps(since: Date | null): Promise<{ ips: string[]; newest: Date | null }> {
    const query = this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .select('"user"."last_ip"', 'ip')
      .addSelect('MAX("user"."last_login")', 'newest')
      .where('"user"."last_ip" IS NOT NULL')
      .groupBy('"user"."last_ip"');
    if (since) query.andWhere('"user"."last_login" > :since', { since });
    const rows = await query.getRawMany<{ ip: string; newest: Date | null }>();
    let newest: Date | null = null;
    for (const row of rows) if (row.newest && (!newest || row.newest > newest)) newest = row.newest;
    return { ips: rows.map((row) => row.ip), newest };
  }

  /** Counts a successful login; `ip` (when known) becomes the user's `last_ip`. */
  async recordLogin(userId: string, at: Date, ip?: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(UserEntity)
      .set({
        loginsCount: () => '"logins_count" + 1',
        lastLogin: at,
        ...(ip !== undefined ? { lastIp: ip } : {}),
      })
      .where({ userId })
      .execute();
  }
}

/** PostgreSQL 23505: a unique constraint refused the row. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
