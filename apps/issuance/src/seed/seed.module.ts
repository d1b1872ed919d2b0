import { Module } from '@nestjs/common';
import { ClientGrantsRepository } from '../client-grants/client-grants.repository';
import { ClientsRepository } from '../clients/clients.repository';
import { ClientsService } from '../clients/clients.service';
import { ResourceServersRepository } from '../resource-servers/resource-servers.repository';
import { SeedService } from './seed.service';

@Module({
  providers: [
    ClientsRepository,
    ClientsService,
    ResourceServersRepository,
    ClientGrantsRepository,
    SeedService,
  ],
})
export class SeedModule {}
