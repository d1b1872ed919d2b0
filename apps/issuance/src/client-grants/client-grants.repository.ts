import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientGrantEntity } from './client-grant.entity';

@Injectable()
export class ClientGrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(clientId: string, audience: string): Promise<ClientGrantEntity | null> {
    return this.dataSource.getRepository(ClientGrantEntity).findOne({ where: { clientId, audience } });
  }

  async upsert(grant: ClientGrantEntity): Promise<void> {
    await this.dataSource.getRepository(ClientGrantEntity).upsert(grant, ['clientId', 'audience']);
  }
}
