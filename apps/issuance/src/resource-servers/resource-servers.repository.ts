import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { ResourceServerEntity } from './resource-server.entity';

@Injectable()
export class ResourceServersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByIdentifier(identifier: string): Promise<ResourceServerEntity | null> {
    return this.dataSource.getRepository(ResourceServerEntity).findOne({ where: { identifier } });
  }

  /** Auth0 addresses an API by its id or by its identifier. */
  findByIdOrIdentifier(
    idOrIdentifier: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ResourceServerEntity | null> {
    return manager
      .getRepository(ResourceServerEntity)
      .findOne({ where: [{ id: idOrIdentifier }, { identifier: idOrIdentifier }] });
  }

  list(window: { skip: number; take: number }): Promise<[ResourceServerEntity[], number]> {
    return this.dataSource
      .getRepository(ResourceServerEntity)
      .findAndCount({ order: { identifier: 'ASC' }, ...window });
  }

  async upsert(server: ResourceServerEntity): Promise<void> {
    await this.dataSource.getRepository(ResourceServerEntity).upsert(server, ['identifier']);
  }

  /** Inserts a new API; false when one with the same identifier exists already. */
  async insert(server: ResourceServerEntity): Promise<boolean> {
    try {
      await this.dataSource.getRepository(ResourceServerEntity).insert(server);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Runs `work` in one transaction, so a check and the write it guards commit or fail together. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async save(manager: EntityManager, server: ResourceServerEntity): Promise<void> {
    await manager.getRepository(ResourceServerEntity).save(server);
  }

  /** Deletes an API; its client grants go with it (ON DELETE CASCADE). */
  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(ResourceServerEntity).delete({ id });
  }
}

/** PostgreSQL 23505: a unique constraint refused the row. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
