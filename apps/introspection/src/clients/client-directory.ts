import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type ClientCredentialsSnapshot, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { TokenStateGate } from '@app/jwt';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import type { ClientDirectory } from '@app/oauth';
import { IssuanceClientCredentials } from './issuance-client-credentials';

/** A client as `tessera.clients.v1` announced it, and issuance's word on that announcement once asked. */
interface Entry {
  readonly announced: ClientCredentialsSnapshot;
  confirmed?: Promise<ClientCredentialsSnapshot | null>;
}

/**
 * The clients this instance authenticates, held in memory and rebuilt from the compacted
 * `tessera.clients.v1` topic (introspection keeps nothing durable: DESIGN §1).
 *
 * The topic says which clients exist and when one changed; it is never the only word on what a
 * client authenticates with (issue #20 §4). The first time a client is used after an event announced
 * it, its credentials are fetched from issuance's internal API (once, however many requests wait),
 * and issuance's answer is what authenticates: a client forged or altered on the broker is refused or
 * corrected, and logged. A deletion applies at once, from the topic alone (failing closed is safe).
 */
@Injectable()
export class InMemoryClientDirectory
  extends EventStreamSubscriber<typeof TOPICS.clients.name>
  implements ClientDirectory
{
  private readonly clients = new Map<string, Entry>();
  private readonly log = new Logger(InMemoryClientDirectory.name);

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    readiness: ReadinessRegistry,
    gate: TokenStateGate,
    private readonly issuance: IssuanceClientCredentials,
  ) {
    super(kafka, { name: 'introspection.clients', topic: TOPICS.clients.name, mode: { kind: 'broadcast' } });
    readiness.register('clients replayed', () => this.caughtUp);
    // A deleted client or a rotated secret must not authenticate before its event is applied.
    gate.register('clients', this);
  }

  findClient(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const entry = this.clients.get(clientId);
    if (!entry) return Promise.resolve(null);
    entry.confirmed ??= this.confirm(clientId, entry);
    return entry.confirmed;
  }

  protected handle(event: EventOnTopic<typeof TOPICS.clients.name>): Promise<void> {
    if (event.type === 'client.deleted') this.clients.delete(event.payload.client_id);
    else this.clients.set(event.payload.client_id, { announced: event.payload });
    return Promise.resolve();
  }

  private async confirm(clientId: string, entry: Entry): Promise<ClientCredentialsSnapshot | null> {
    try {
      const truth = await this.issuance.fetch(clientId);
      if (truth === null) {
        this.log.warn({
          msg: 'a client announced on the clients topic is unknown to issuance: refused',
          clientId,
        });
      } else if (credentialsOf(truth) !== credentialsOf(entry.announced)) {
        this.log.warn({
          msg: "a client's credentials on the clients topic differ from issuance's: issuance's are used",
          clientId,
        });
      }
      return truth;
    } catch (error) {
      // Issuance could not answer: nothing is remembered, the next request asks again.
      if (this.clients.get(clientId) === entry) entry.confirmed = undefined;
      throw error;
    }
  }
}

/** What authenticates a client, in one canonical string (digest and key order do not matter). */
function credentialsOf(client: ClientCredentialsSnapshot): string {
  return JSON.stringify([
    client.token_endpoint_auth_method,
    [...client.secret_digests].sort(),
    [...client.public_keys].map((key) => `${key.id} ${key.alg} ${key.pem}`).sort(),
    client.revocation_deletes_grant,
  ]);
}
