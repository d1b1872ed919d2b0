import { Module } from '@nestjs/common';
import { ClientGrantsRepository } from '../client-grants/client-grants.repository';
import { ClientsRepository } from '../clients/clients.repository';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { ResourceServersRepository } from '../resource-servers/resource-servers.repository';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokenMinter } from './access-token.minter';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  imports: [SigningKeysModule],
  controllers: [TokenController],
  providers: [
    ClientsRepository,
    ResourceServersRepository,
    ClientGrantsRepository,
    ConfigurationLookup,
    AccessTokenMinter,
    ClientCredentialsGrant,
    TokenService,
  ],
})
export class TokenModule {}
