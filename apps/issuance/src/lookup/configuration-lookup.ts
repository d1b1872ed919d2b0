import { Injectable } from '@nestjs/common';
import type { ClientGrantEntity } from '../client-grants/client-grant.entity';
import { ClientGrantsRepository } from '../client-grants/client-grants.repository';
import type { ClientEntity } from '../clients/client.entity';
import { ClientsRepository } from '../clients/clients.repository';
import type { ResourceServerEntity } from '../resource-servers/resource-server.entity';
import { ResourceServersRepository } from '../resource-servers/resource-servers.repository';
import { TtlCache } from '@app/persistence';

/** How long a configuration change made elsewhere may take to reach this instance's token endpoint. */
const CONFIGURATION_TTL_MS = 5_000;

/** Cached reads of the configuration every token request needs: the client, the API and the grant. */
@Injectable()
export class ConfigurationLookup {
  private readonly clientCache = new TtlCache<ClientEntity | null>(CONFIGURATION_TTL_MS);
  private readonly apiCache = new TtlCache<ResourceServerEntity | null>(CONFIGURATION_TTL_MS);
  private readonly grantCache = new TtlCache<ClientGrantEntity | null>(CONFIGURATION_TTL_MS);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly resourceServers: ResourceServersRepository,
    private readonly clientGrants: ClientGrantsRepository,
  ) {}

  client(clientId: string): Promise<ClientEntity | null> {
    return this.clientCache.get(clientId, () => this.clients.findById(clientId));
  }

  resourceServer(identifier: string): Promise<ResourceServerEntity | null> {
    if (identifier.length > 2048) return Promise.resolve(null);
    return this.apiCache.get(identifier, () => this.resourceServers.findByIdentifier(identifier));
  }

  clientGrant(clientId: string, audience: string): Promise<ClientGrantEntity | null> {
    return this.grantCache.get(`${clientId} ${audience}`, () => this.clientGrants.find(clientId, audience));
  }

  /*
   * Forget what changed through this instance's Management API at once, so its own token endpoint
   * never serves a stale client, API or grant; other instances see the change within the TTL.
   */

  /** A client changed or was deleted (deleting it also deleted its grants). */
  forgetClient(clientId: string): void {
    this.clientCache.delete(clientId);
    this.grantCache.deleteWhere((key) => key.startsWith(`${clientId} `));
  }

  /** An API changed or was deleted (deleting it also deleted its grants). */
  forgetResourceServer(identifier: string): void {
    this.apiCache.delete(identifier);
    this.grantCache.deleteWhere((key) => key.endsWith(` ${identifier}`));
  }

  forgetClientGrant(clientId: string, audience: string): void {
    this.grantCache.delete(`${clientId} ${audience}`);
  }
}
