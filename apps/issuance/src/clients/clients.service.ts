import { Injectable } from '@nestjs/common';
import {
  clientCreated,
  clientUpdated,
  type EventContext,
  type TokenEndpointAuthMethod,
} from '@app/contracts';
import { Outbox } from '@app/outbox';
import { sha256Hex } from '@app/secrets';
import type { ClientEntity } from './client.entity';
import { clientEvent, toSnapshot } from './client-events';
import { ClientsRepository } from './clients.repository';

export interface ClientDefinition {
  readonly clientId: string;
  readonly name: string;
  readonly appType: string;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly secret?: string;
  readonly grantTypes: readonly string[];
}

/** Clients created from configuration (bootstrap and seed file), with their `client.*` events. */
@Injectable()
export class ClientsService {
  constructor(
    private readonly repository: ClientsRepository,
    private readonly outbox: Outbox,
  ) {}

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
        allowedLogoutUrls: existing?.allowedLogoutUrls ?? [],
        logoutRevokesRefreshTokens: existing?.logoutRevokesRefreshTokens ?? false,
        backchannelLogoutUrls: existing?.backchannelLogoutUrls ?? [],
        jwtAlg: existing?.jwtAlg ?? 'RS256',
        refreshToken: existing?.refreshToken ?? null,
        publicKeys: existing?.publicKeys ?? [],
        tokenExchange: existing?.tokenExchange ?? null,
        delegation: existing?.delegation ?? null,
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
        events: [clientEvent(definitionOfEvent, next, context)],
      };
    });
  }
}
