import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { clientCredentialsSnapshot, type ClientCredentialsSnapshot } from '@app/contracts';
import { markProcessed } from '@app/outbox';
import { REVOCATION_SCHEMA } from '../database/revocation-database';
import { ClientProjectionEntity } from './client-projection.entity';

const CONSUMER = 'clients-projection';

@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const row = await this.dataSource.getRepository(ClientProjectionEntity).findOne({ where: { clientId } });
    if (!row) return null;
    // Parsed again: rows projected from events older than a field get its default (public_keys: []).
    const parsed = clientCredentialsSnapshot.safeParse(row.snapshot);
    return parsed.success ? parsed.data : null;
  }

  /**
   * Records that a client event was applied, in the caller's transaction; false when it was applied
   * before (a redelivery), so the caller changes nothing.
   */
  markApplied(manager: EntityManager, eventId: string): Promise<boolean> {
    return markProcessed(manager, REVOCATION_SCHEMA, CONSUMER, eventId);
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
