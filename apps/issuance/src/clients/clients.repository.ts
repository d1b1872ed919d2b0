import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ClientEntity } from './client.entity';

@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<ClientEntity | null> {
    return manager.getRepository(ClientEntity).findOne({ where: { clientId } });
  }

  async save(manager: EntityManager, client: ClientEntity): Promise<void> {
    await manager.getRepository(ClientEntity).save(client);
  }
}
