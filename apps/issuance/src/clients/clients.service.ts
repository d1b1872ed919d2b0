import { Injectable } from '@nestjs/common';
import {
  clientCreated,
  clientUpdated,
  TOPICS,
  type ClientCredentialsSnapshot,
  type EventContext,
  type TokenEndpointAuthMethod,
} from '@app/contracts';
import type { ClientDirectory } from '@app/oauth';
import { Outbox } from '@app/outbox';
import { sha256Hex } from '@app/secrets';
import type { ClientEntity } from './client.entity';
import { ClientsRepository } from './clients.repository';

export interface ClientDefinition {
  readonly clientId: string;
  readonly name: string;
  readonly appType: string;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly secret?: string;
  readonly grantTypes: readonly string[];
}

/** The clients (applications) issuance authenticates, and the source of `client.*` events. */
@Injectable()
export class ClientsService implements ClientDirectory {
  constructor(
    private readonly repository: ClientsRepository,
    private readonly outbox: Outbox,
  ) {}

  async findClient(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    const client = await this.repository.findById(clientId);
    return client ? toSnapshot(client) : null;
  }

  async findEntity(clientId: string): Promise<ClientEntity | null> {
    return this.repository.findById(clientId);
  }

  /**
   * Creates or updates a client from a definition (bootstrap and seed), emitting `client.created` or
   * `client.updated` only when something other services see has changed.
   */
  async upsert(definition: ClientDefinition, context: EventContext): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      const existing = await this.repository.findById(definition.clientId, manager);
      const next: ClientEntity = {
        clientId: definition.clientId,
        name: definition.name,
        appType: definition.appType,
        tokenEndpointAuthMethod: definition.tokenEndpointAuthMethod,
        secretDigests: definition.secret ? [sha256Hex(definition.secret)] : [],
        grantTypes: [...definition.grantTypes],
        revocationDeletesGrant: existing?.revocationDeletesGrant ?? true,
        isFirstParty: existing?.isFirstParty ?? true,
        callbacks: existing?.callbacks ?? [],
        jwtAlg: existing?.jwtAlg ?? 'RS256',
        refreshToken: existing?.refreshToken ?? null,
        publicKeys: existing?.publicKeys ?? [],
        createdAt: existing?.createdAt ?? new Date(),
        updatedAt: new Date(),
      };
      const unchanged =
        existing &&
        JSON.stringify([toSnapshot(existing), existing.appType, existing.grantTypes]) ===
          JSON.stringify([toSnapshot(next), next.appType, next.grantTypes]);
      if (unchanged) return { result: undefined, events: [] };
      await this.repository.save(manager, next);
      const definitionOfEvent = existing ? clientUpdated : clientCreated;
      return {
        result: undefined,
        events: [
          {
            topic: TOPICS.clients.name,
            key: next.clientId,
            event: definitionOfEvent.create(toSnapshot(next), context),
          },
        ],
      };
    });
  }
}

export function toSnapshot(client: ClientEntity): ClientCredentialsSnapshot {
  return {
    client_id: client.clientId,
    name: client.name,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    secret_digests: [...client.secretDigests],
    revocation_deletes_grant: client.revocationDeletesGrant,
  };
}
