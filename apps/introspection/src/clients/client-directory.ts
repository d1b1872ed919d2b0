import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type ClientCredentialsSnapshot, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { TokenStateGate } from '@app/jwt';
import { EventStreamSubscriber, KAFKA, type KafkaClient } from '@app/kafka';
import { ClientConfirmations, type ClientDirectory } from '@app/oauth';

/**
 * The clients this instance authenticates, held in memory and rebuilt from the compacted
 * `tessera.clients.v1` topic (introspection keeps nothing durable: DESIGN §1).
 *
 * The topic says which clients exist and when one changed; what a client authenticates with is
 * issuance's word, asked on first use (ClientConfirmations, issue #20 §4). A deletion applies at once,
 * from the topic alone (failing closed is safe).
 */
@Injectable()
export class InMemoryClientDirectory
  extends EventStreamSubscriber<typeof TOPICS.clients.name>
  implements ClientDirectory
{
  private readonly announced = new Map<string, ClientCredentialsSnapshot>();

  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    readiness: ReadinessRegistry,
    gate: TokenStateGate,
    private readonly confirmations: ClientConfirmations,
  ) {
    super(kafka, { name: 'introspection.clients', topic: TOPICS.clients.name, mode: { kind: 'broadcast' } });
    readiness.register('clients replayed', () => this.caughtUp);
    // A deleted client or a rotated secret must not authenticate before its event is applied.
    gate.register('clients', this);
  }

  findClient(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const announced = this.announced.get(clientId);
    return announced ? this.confirmations.confirm(announced) : Promise.resolve(null);
  }

  protected handle(event: EventOnTopic<typeof TOPICS.clients.name>): Promise<void> {
    if (event.type === 'client.deleted') {
      this.announced.delete(event.payload.client_id);
      this.confirmations.forget(event.payload.client_id);
    } else this.announced.set(event.payload.client_id, event.payload);
    return Promise.resolve();
  }
}
