import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SigningAlg } from '@app/contracts';
import {
  conflict,
  MANAGEMENT_API_OPTIONS,
  ManagementError,
  notFound,
  pageOf,
  pageWindow,
  type ManagementApiOptions,
} from '@app/management';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import type { ResourceServerEntity } from './resource-server.entity';
import type {
  CreateResourceServerBody,
  ListResourceServersQuery,
  UpdateResourceServerBody,
} from './resource-server.schemas';
import { toResourceServerView, type ResourceServerView } from './resource-server.view';
import { ResourceServersRepository } from './resource-servers.repository';

/** Auth0's default access-token lifetime for an API: 24 h. */
const DEFAULT_TOKEN_LIFETIME = 86_400;

/** The Management API's rules for APIs (`/api/v2/resource-servers`). */
@Injectable()
export class ResourceServersService {
  constructor(
    private readonly repository: ResourceServersRepository,
    private readonly lookup: ConfigurationLookup,
    @Inject(MANAGEMENT_API_OPTIONS) private readonly management: ManagementApiOptions,
  ) {}

  async create(body: CreateResourceServerBody): Promise<ResourceServerView> {
    const server: ResourceServerEntity = {
      id: randomBytes(12).toString('hex'),
      identifier: body.identifier,
      name: body.name ?? body.identifier,
      signingAlg: (body.signing_alg ?? 'RS256') as SigningAlg,
      tokenDialect: body.token_dialect ?? 'access_token',
      tokenLifetime: body.token_lifetime ?? DEFAULT_TOKEN_LIFETIME,
      allowOfflineAccess: body.allow_offline_access ?? false,
      ...readScopes(body.scopes ?? []),
    };
    if (!(await this.repository.insert(server))) {
      throw conflict('A resource server with the same identifier already exists', 'resource_server_conflict');
    }
    // A token request may have cached "no such API" for this identifier a moment ago.
    this.lookup.forgetResourceServer(server.identifier);
    return this.view(server);
  }

  async list(query: ListResourceServersQuery) {
    const [servers, total] = await this.repository.list(pageWindow(query));
    return pageOf(
      'resource_servers',
      servers.map((server) => this.view(server)),
      total,
      query,
    );
  }

  async get(idOrIdentifier: string): Promise<ResourceServerView> {
    return this.view(await this.find(idOrIdentifier));
  }

  async update(idOrIdentifier: string, body: UpdateResourceServerBody): Promise<ResourceServerView> {
    const updated = await this.repository.transaction(async (manager) => {
      const existing = this.refuseSystem(await this.find(idOrIdentifier, manager));
      const server: ResourceServerEntity = {
        ...existing,
        name: body.name ?? existing.name,
        signingAlg: (body.signing_alg ?? existing.signingAlg) as SigningAlg,
        tokenDialect: body.token_dialect ?? existing.tokenDialect,
        tokenLifetime: body.token_lifetime ?? existing.tokenLifetime,
        allowOfflineAccess: body.allow_offline_access ?? existing.allowOfflineAccess,
        ...(body.scopes ? readScopes(body.scopes) : {}),
      };
      await this.repository.save(manager, server);
      return server;
    });
    this.lookup.forgetResourceServer(updated.identifier);
    return this.view(updated);
  }

  async delete(idOrIdentifier: string): Promise<void> {
    const deleted = await this.repository.transaction(async (manager) => {
      const existing = this.refuseSystem(await this.find(idOrIdentifier, manager));
      await this.repository.delete(manager, existing.id);
      return existing;
    });
    this.lookup.forgetResourceServer(deleted.identifier);
  }

  private async find(
    idOrIdentifier: string,
    manager?: Parameters<ResourceServersRepository['findByIdOrIdentifier']>[1],
  ) {
    const server =
      idOrIdentifier.length <= 600
        ? await this.repository.findByIdOrIdentifier(idOrIdentifier, manager)
        : null;
    if (!server) throw notFound('The resource server does not exist', 'inexistent_resource_server');
    return server;
  }

  /** The Management API itself is a system API: changing or deleting it would lock everyone out. */
  private refuseSystem(server: ResourceServerEntity): ResourceServerEntity {
    if (server.identifier === this.management.audience) {
      throw new ManagementError(
        403,
        'The Management API is a system resource server and cannot be changed or deleted',
        'operation_not_supported',
      );
    }
    return server;
  }

  private view(server: ResourceServerEntity): ResourceServerView {
    return toResourceServerView(server, this.management.audience);
  }
}

function readScopes(scopes: readonly { value: string; description?: string | undefined }[]) {
  const descriptions: Record<string, string> = {};
  for (const scope of scopes) descriptions[scope.value] = scope.description ?? '';
  return { scopes: Object.keys(descriptions), scopeDescriptions: descriptions };
}
