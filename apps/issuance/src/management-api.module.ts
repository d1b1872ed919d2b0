import { Module } from '@nestjs/common';
import { ClientGrantsController } from './client-grants/client-grants.controller';
import { ClientGrantsService } from './client-grants/client-grants.service';
import { ClientsController } from './clients/clients.controller';
import { ClientsManagementService } from './clients/clients-management.service';
import { LookupModule } from './lookup/lookup.module';
import { ResourceServersController } from './resource-servers/resource-servers.controller';
import { ResourceServersService } from './resource-servers/resource-servers.service';
import { SigningKeyLifecycleService } from './signing-keys/signing-key-lifecycle.service';
import { SigningKeysController } from './signing-keys/signing-keys.controller';
import { SigningKeysModule } from './signing-keys/signing-keys.module';

/** Issuance's Management API v2: clients, APIs, client grants and signing keys. */
@Module({
  imports: [LookupModule, SigningKeysModule],
  controllers: [ClientsController, ResourceServersController, ClientGrantsController, SigningKeysController],
  providers: [
    ClientsManagementService,
    ResourceServersService,
    ClientGrantsService,
    SigningKeyLifecycleService,
  ],
})
export class ManagementApiModule {}
