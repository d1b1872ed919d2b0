import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionEntity } from './connection.entity';

/** Connections; the only code that touches that table. */
@Injectable()
export class ConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ConnectionEntity | null> {
    return manager.getRepository(ConnectionEntity).findOne({ where: { id } });
  }

  findByName(name: string): Promise<ConnectionEntity | null> {
    return this.dataSource.getRepository(ConnectionEntity).findOne({ where: { name } });
  }

  list(
    filter: { strategy?: string; name?: string },
    window: { skip: number; take: number },
  ): Promise<[ConnectionEntity[], number]> {
    const where: FindOptionsWhere<ConnectionEntity> = {
      ...(filter.strategy !== undefined ? { strategy: filter.strategy as ConnectionEntity['strategy'] } : {}),
      ...(filter.name !== undefined ? { name: filter.name } : {}),
    };
    return this.dataSource
      .getRepository(ConnectionEntity)
      .findAndCount({ where, order: { createdAt: 'ASC', id: 'ASC' }, ...window });
  }

  /** Inserts unless a connection with the same name exists; false in that case. */
  async insertIfAbsent(connection: ConnectionEntity): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(ConnectionEntity)
      .values(connection as QueryDeepPartialEntity<ConnectionEntity>)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async save(manager: EntityManager, connection: ConnectionEntity): Promise<void> {
    await manager.getRepository(ConnectionEntity).save(connection);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(ConnectionEntity).delete({ id });
  }
}
