import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type TesseraEvent } from '@app/contracts';
import { OnEvent, type EventSubscription } from '@app/kafka';
import { ClientsProjectionService } from './clients-projection.service';

/** Not ready before the clients that existed at start are known: they could not authenticate. */
const CLIENTS: EventSubscription<typeof TOPICS.clients.name> = {
  topic: TOPICS.clients.name,
  name: 'revocation.clients',
  mode: 'shared',
  readiness: 'clients projected',
};

/**
 * Keeps this service's client projection in step with issuance's `client.*` events, and revokes the
 * tokens of deleted clients.
 */
@Controller()
export class ClientsConsumer {
  constructor(private readonly projection: ClientsProjectionService) {}

  @OnEvent(CLIENTS, 'client.created', 'client.updated', 'client.deleted')
  clientChanged(
    @Payload() event: TesseraEvent<'client.created' | 'client.updated' | 'client.deleted'>,
  ): Promise<void> {
    return this.projection.apply(event);
  }
}
