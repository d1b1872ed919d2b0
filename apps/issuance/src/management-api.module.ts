import { Module } from '@nestjs/common';
import { INTERNAL_API_TOKEN, InternalCallerGuard } from '@app/http';
import { ISSUANCE_CONFIG, type IssuanceConfig } from './config/issuance.config';
import { ClientGrantsController } from './client-grants/client-grants.controller';
import { ClientGrantsService } from './client-grants/client-grants.service';
import { ClientCredentialsController } from './clients/client-credentials.controller';
import { ClientsController } from './clients/clients.controller';
import { ClientsManagementService } from './clients/clients-management.service';
import { LookupModule } from './lookup/lookup.module';
import { ResourceServersController } from './resource-servers/resource-servers.controller';
import { ResourceServersService } from './resource-servers/resource-servers.service';
import { SigningKeyLifecycleService } from './signing-keys/signing-key-lifecycle.service';
import { SigningKeysController } from './signing-keys/signing-keys.controller';
import { SigningKeysModule } from './signing-keys/signing-keys.module';

/**
 * Issuance's Management API v2: clients, APIs, client grants and signing keys; and the internal API
 * that confirms a client's credentials to the validators (issue #20 §4).
 */
@Module({
  imports: [LookupModule, SigningKeysModule],
  controllers: [
    ClientsController,
    ResourceServersController,
    ClientGrantsController,
    SigningKeysController,
    ClientCredentialsController,
  ],
  providers: [
    ClientsManagementService,
    ResourceServersService,
    ClientGrantsService,
    SigningKeyLifecycleService,
    InternalCallerGuard,
    {
      provide: INTERNAL_API_TOKEN,
      useFactory: (config: IssuanceConfig) => config.TESSERA_INTERNAL_TOKEN ?? null,
      inject: [ISSUANCE_CONFIG],
    },
  ],
})
export class ManagementApiModule {}
