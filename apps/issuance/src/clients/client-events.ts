import {
  TOPICS,
  type clientCreated,
  type clientUpdated,
  type ClientCredentialsSnapshot,
  type EventContext,
} from '@app/contracts';
import type { OutboxEvent } from '@app/outbox';
import type { ClientEntity } from './client.entity';

/** What other services need to authenticate a client: digests only, never a secret (DESIGN §5, §8). */
export function toSnapshot(client: ClientEntity): ClientCredentialsSnapshot {
  return {
    client_id: client.clientId,
    name: client.name,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    secret_digests: [...client.secretDigests],
    revocation_deletes_grant: client.revocationDeletesGrant,
    public_keys: client.publicKeys.map((key) => ({ id: key.id, alg: key.alg, pem: key.pem })),
  };
}

/** The `client.created` / `client.updated` event of a client, keyed by its id on `tessera.clients.v1`. */
export function clientEvent(
  definition: typeof clientCreated | typeof clientUpdated,
  client: ClientEntity,
  context: EventContext,
): OutboxEvent {
  return {
    topic: TOPICS.clients.name,
    key: client.clientId,
    event: definition.create(toSnapshot(client), context),
  };
}
