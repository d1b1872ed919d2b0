import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import { markProcessed } from '@app/outbox';
import { REVOCATION_SCHEMA } from '../database/revocation-database';
import { ClientProjectionEntity } from './client-projection.entity';

const CONSUMER = 'clients-projection';

@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const row = await this.dataSource.getRepository(ClientProjectionEntity).findOne({ where: { clientId } });
    return row?.snapshot ?? null;
  }

  /** Applies one client event exactly once (deduplicated by event id in the same transaction). */
  async applyOnce(eventId: string, change: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (await markProcessed(manager, REVOCATION_SCHEMA, CONSUMER, eventId)) await change(manager);
    });
  }

  async upsert(manager: EntityManager, snapshot: ClientCredentialsSnapshot): Promise<void> {
    await manager
      .getRepository(ClientProjectionEntity)
      .upsert({ clientId: snapshot.client_id, snapshot }, ['clientId']);
  }

  async delete(manager: EntityManager, clientId: string): Promise<void> {
    await manager.getRepository(ClientProjectionEntity).delete({ clientId });
  }
}
