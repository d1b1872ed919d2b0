import { Injectable } from '@nestjs/common';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { Outbox, type OutboxEvent } from '@app/outbox';
import { RevocationsService } from '../revocations/revocations.service';
import { clientDeletedRevocation } from '../revocations/system-revocations';
import { ClientsRepository } from './clients.repository';

type ClientEvent = EventOnTopic<typeof TOPICS.clients.name>;

/**
 * Applies issuance's `client.*` events: the credentials projection, and for a deleted client a
 * not-before revocation of all its tokens. The event is marked processed, the projection changed and
 * the revocation stored with its outbox event in one transaction, so a crash or a redelivery can
 * neither lose the revocation nor emit it twice.
 */
@Injectable()
export class ClientsProjectionService {
  constructor(
    private readonly outbox: Outbox,
    private readonly clients: ClientsRepository,
    private readonly revocations: RevocationsService,
  ) {}

  async apply(event: ClientEvent): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      const events: OutboxEvent[] = [];
      if (await this.clients.markApplied(manager, event.id)) {
        switch (event.type) {
          case 'client.created':
          case 'client.updated':
            await this.clients.upsert(manager, event.payload);
            break;
          case 'client.deleted': {
            await this.clients.delete(manager, event.payload.client_id);
            const staged = await this.revocations.stage(
              manager,
              clientDeletedRevocation(event.payload.client_id, event.occurred_at),
              { correlationId: event.correlation_id, causationId: event.id },
            );
            events.push(...staged.events);
            break;
          }
        }
      }
      return { result: undefined, events };
    });
  }
}
