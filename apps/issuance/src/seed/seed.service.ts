import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MANAGEMENT_SCOPES, managementAudience } from '@app/contracts';
import { ClientGrantsRepository } from '../client-grants/client-grants.repository';
import { ClientsService } from '../clients/clients.service';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { ResourceServersRepository } from '../resource-servers/resource-servers.repository';
import { readSeedFile, type SeedFile } from './seed-file';

/**
 * Creates what must exist before anyone can call the Management API: the Management API itself as a
 * resource server, and the bootstrap client with every management scope. Then applies the seed file.
 * Idempotent: a restart changes nothing unless the configuration changed.
 */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
    private readonly clients: ClientsService,
    private readonly resourceServers: ResourceServersRepository,
    private readonly clientGrants: ClientGrantsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const audience = managementAudience(this.config.TESSERA_ISSUER);
    const seed: SeedFile = {
      resource_servers: [
        {
          identifier: audience,
          name: 'Tessera Management API',
          scopes: [...MANAGEMENT_SCOPES],
          signing_alg: 'RS256',
          token_dialect: 'access_token',
          token_lifetime: 86_400,
          allow_offline_access: false,
        },
      ],
      clients: [
        {
          client_id: this.config.TESSERA_BOOTSTRAP_CLIENT_ID,
          client_secret: this.config.TESSERA_BOOTSTRAP_CLIENT_SECRET,
          name: 'Tessera bootstrap (management)',
          app_type: 'non_interactive',
          token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['client_credentials'],
        },
      ],
      client_grants: [
        { client_id: this.config.TESSERA_BOOTSTRAP_CLIENT_ID, audience, scope: [...MANAGEMENT_SCOPES] },
      ],
    };
    await this.apply(seed);
    if (this.config.TESSERA_SEED_FILE) {
      await this.apply(readSeedFile(this.config.TESSERA_SEED_FILE));
      this.logger.log(`applied seed file ${this.config.TESSERA_SEED_FILE}`);
    }
  }

  private async apply(seed: SeedFile): Promise<void> {
    for (const server of seed.resource_servers) {
      await this.resourceServers.upsert({
        id: `rs_${stableId(server.identifier)}`,
        identifier: server.identifier,
        name: server.name,
        scopes: server.scopes,
        signingAlg: server.signing_alg,
        tokenDialect: server.token_dialect,
        tokenLifetime: server.token_lifetime,
        allowOfflineAccess: server.allow_offline_access,
        scopeDescriptions: {},
      });
    }
    for (const client of seed.clients) {
      await this.clients.upsert(
        {
          clientId: client.client_id,
          name: client.name,
          appType: client.app_type,
          tokenEndpointAuthMethod: client.token_endpoint_auth_method,
          secret: client.client_secret,
          grantTypes: client.grant_types,
        },
        { correlationId: `seed:${client.client_id}` },
      );
    }
    for (const grant of seed.client_grants) {
      await this.clientGrants.upsert({
        id: `cgr_${stableId(`${grant.client_id} ${grant.audience}`)}`,
        clientId: grant.client_id,
        audience: grant.audience,
        scope: grant.scope,
      });
    }
  }
}

/** Seeded rows get ids derived from their natural keys, so seeding twice updates instead of duplicating. */
function stableId(naturalKey: string): string {
  return createHash('sha256').update(naturalKey).digest('base64url').slice(0, 16);
}
