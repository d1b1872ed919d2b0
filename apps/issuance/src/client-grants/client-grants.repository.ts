import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { isUniqueViolation } from '../resource-servers/resource-servers.repository';
import { ClientGrantEntity } from './client-grant.entity';

@Injectable()
export class ClientGrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(clientId: string, audience: string): Promise<ClientGrantEntity | null> {
    return this.dataSource.getRepository(ClientGrantEntity).findOne({ where: { clientId, audience } });
  }

  findById(id: string): Promise<ClientGrantEntity | null> {
    return this.dataSource.getRepository(ClientGrantEntity).findOne({ where: { id } });
  }

  list(
    filter: { clientId?: string | undefined; audience?: string | undefined },
    window: { skip: number; take: number },
  ): Promise<[ClientGrantEntity[], number]> {
    const where: FindOptionsWhere<ClientGrantEntity> = {
      ...(filter.clientId !== undefined ? { clientId: filter.clientId } : {}),
      ...(filter.audience !== undefined ? { audience: filter.audience } : {}),
    };
    return this.dataSource
      .getRepository(ClientGrantEntity)
      .findAndCount({ where, order: { clientId: 'ASC', audience: 'ASC' }, ...window });
  }

  async upsert(grant: ClientGrantEntity): Promise<void> {
    await this.dataSource.getRepository(ClientGrantEntity).upsert(grant, ['clientId', 'audience']);
  }

  /** Inserts a grant; false when the client already has one for that audience. */
  async insert(grant: ClientGrantEntity): Promise<boolean> {
    try {
      await this.dataSource.getRepository(ClientGrantEntity).insert(grant);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Replaces a grant's scopes; null when there is no such grant. */
  async updateScope(id: string, scope: string[]): Promise<ClientGrantEntity | null> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const repository = manager.getRepository(ClientGrantEntity);
      const grant = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!grant) return null;
      await repository.update({ id }, { scope });
      return { ...grant, scope };
    });
  }

  /** Deletes a grant and returns what it was; null when there was none. */
  async delete(id: string): Promise<ClientGrantEntity | null> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const repository = manager.getRepository(ClientGrantEntity);
      const grant = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (grant) await repository.delete({ id });
      return grant;
    });
  }
}
