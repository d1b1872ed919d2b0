import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, invalidBody, notFound, pageOf, pageWindow } from '@app/management';
import { ClientsRepository } from '../clients/clients.repository';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { ResourceServersRepository } from '../resource-servers/resource-servers.repository';
import type { ClientGrantEntity } from './client-grant.entity';
import type {
  CreateClientGrantBody,
  ListClientGrantsQuery,
  UpdateClientGrantBody,
} from './client-grant.schemas';
import { toClientGrantView, type ClientGrantView } from './client-grant.view';
import { ClientGrantsRepository } from './client-grants.repository';

const GRANT_NOT_FOUND = () => notFound('The client grant does not exist', 'inexistent_client_grant');

/**
 * The Management API's rules for client grants (`/api/v2/client-grants`): which client may obtain
 * tokens for which API by client credentials, and with which of the API's scopes.
 */
@Injectable()
export class ClientGrantsService {
  constructor(
    private readonly grants: ClientGrantsRepository,
    private readonly clients: ClientsRepository,
    private readonly resourceServers: ResourceServersRepository,
    private readonly lookup: ConfigurationLookup,
  ) {}

  async create(body: CreateClientGrantBody): Promise<ClientGrantView> {
    if (!(await this.clients.findById(body.client_id))) {
      throw notFound('The client does not exist', 'inexistent_client');
    }
    const api = await this.resourceServers.findByIdentifier(body.audience);
    if (!api) throw notFound('No resource server found for the audience', 'inexistent_resource_server');
    checkScopes(body.scope, api.scopes);
    const grant: ClientGrantEntity = {
      id: `cgr_${randomBytes(12).toString('hex')}`,
      clientId: body.client_id,
      audience: body.audience,
      scope: [...new Set(body.scope)],
    };
    if (!(await this.grants.insert(grant))) {
      throw conflict('A client grant for this client and audience already exists', 'client_grant_conflict');
    }
    // The token endpoint may have cached "no grant" for this pair a moment ago.
    this.lookup.forgetClientGrant(grant.clientId, grant.audience);
    return toClientGrantView(grant);
  }

  async list(query: ListClientGrantsQuery) {
    const [grants, total] = await this.grants.list(
      { clientId: query.client_id, audience: query.audience },
      pageWindow(query),
    );
    return pageOf('client_grants', grants.map(toClientGrantView), total, query);
  }

  async update(id: string, body: UpdateClientGrantBody): Promise<ClientGrantView> {
    const existing = await this.find(id);
    const api = await this.resourceServers.findByIdentifier(existing.audience);
    checkScopes(body.scope, api?.scopes ?? []);
    const updated = await this.grants.updateScope(id, [...new Set(body.scope)]);
    if (!updated) throw GRANT_NOT_FOUND();
    this.lookup.forgetClientGrant(updated.clientId, updated.audience);
    return toClientGrantView(updated);
  }

  async delete(id: string): Promise<void> {
    const deleted = id.length <= 128 ? await this.grants.delete(id) : null;
    if (!deleted) throw GRANT_NOT_FOUND();
    this.lookup.forgetClientGrant(deleted.clientId, deleted.audience);
  }

  private async find(id: string): Promise<ClientGrantEntity> {
    const grant = id.length <= 128 ? await this.grants.findById(id) : null;
    if (!grant) throw GRANT_NOT_FOUND();
    return grant;
  }
}

/** A grant may hold only scopes its API defines: anything else would mint scopes nobody declared. */
function checkScopes(requested: readonly string[], defined: readonly string[]): void {
  const unknown = requested.filter((scope) => !defined.includes(scope));
  if (unknown.length > 0) {
    const list = unknown.slice(0, 5).join(', ');
    throw invalidBody(`'Scopes not defined by the resource server: ${list}' on property scope.`);
  }
}
