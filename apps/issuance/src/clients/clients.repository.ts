import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ClientEntity } from './client.entity';

export interface ClientFilter {
  readonly appTypes?: readonly string[];
  readonly isFirstParty?: boolean;
}

@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<ClientEntity | null> {
    return manager.getRepository(ClientEntity).findOne({ where: { clientId } });
  }

  /** A page of clients, oldest first, and how many match in all. */
  list(filter: ClientFilter, window: { skip: number; take: number }): Promise<[ClientEntity[], number]> {
    const where: FindOptionsWhere<ClientEntity> = {
      ...(filter.appTypes ? { appType: In([...filter.appTypes]) } : {}),
      ...(filter.isFirstParty !== undefined ? { isFirstParty: filter.isFirstParty } : {}),
    };
    return this.dataSource
      .getRepository(ClientEntity)
      .findAndCount({ where, order: { createdAt: 'ASC', clientId: 'ASC' }, ...window });
  }

  async save(manager: EntityManager, client: ClientEntity): Promise<void> {
    await manager.getRepository(ClientEntity).save(client);
  }

  /** Deletes a client (its client grants go with it: ON DELETE CASCADE); false when there was none. */
  async delete(manager: EntityManager, clientId: string): Promise<boolean> {
    const result = await manager.getRepository(ClientEntity).delete({ clientId });
    return (result.affected ?? 0) > 0;
  }
}
