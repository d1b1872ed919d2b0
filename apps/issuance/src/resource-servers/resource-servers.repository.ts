import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ResourceServerEntity } from './resource-server.entity';

@Injectable()
export class ResourceServersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByIdentifier(identifier: string): Promise<ResourceServerEntity | null> {
    return this.dataSource.getRepository(ResourceServerEntity).findOne({ where: { identifier } });
  }

  async upsert(server: ResourceServerEntity): Promise<void> {
    await this.dataSource.getRepository(ResourceServerEntity).upsert(server, ['identifier']);
  }
}
