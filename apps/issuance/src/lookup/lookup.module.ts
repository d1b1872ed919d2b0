import { Module } from '@nestjs/common';
import { ClientGrantsRepository } from '../client-grants/client-grants.repository';
import { ClientsRepository } from '../clients/clients.repository';
import { ResourceServersRepository } from '../resource-servers/resource-servers.repository';
import { ConfigurationLookup } from './configuration-lookup';

/**
 * The configuration repositories and the one ConfigurationLookup of this instance, shared by the
 * token endpoint (which reads through its cache) and the Management API (which invalidates it).
 */
@Module({
  providers: [ClientsRepository, ResourceServersRepository, ClientGrantsRepository, ConfigurationLookup],
  exports: [ClientsRepository, ResourceServersRepository, ClientGrantsRepository, ConfigurationLookup],
})
export class LookupModule {}
