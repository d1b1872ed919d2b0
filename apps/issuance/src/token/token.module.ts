import { Module } from '@nestjs/common';
import { LookupModule } from '../lookup/lookup.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokenMinter } from './access-token.minter';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

@Module({
  imports: [SigningKeysModule, LookupModule],
  controllers: [TokenController],
  providers: [AccessTokenMinter, ClientCredentialsGrant, TokenService],
})
export class TokenModule {}
