import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { LoginModule } from '../login/login.module';
import { LookupModule } from '../lookup/lookup.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenMinter } from './access-token.minter';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { DelegationController } from './delegation.controller';
import { DelegationService } from './delegation.service';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { GrantFamilies } from './grant-families';
import { IdTokenMinter } from './id-token.minter';
import { OpaqueTokenStore } from './opaque-token.store';
import { RefreshTokensRepository } from './refresh-tokens/refresh-tokens.repository';
import { RefusalAudit } from './refusal-audit';
import { TokenRequestMetrics } from './token-request-metrics';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';
import { UserTokenIssuer } from './user-token.issuer';

@Module({
  imports: [SigningKeysModule, LookupModule, AccountsModule, UsersModule, LoginModule],
  controllers: [TokenController, DelegationController],
  providers: [
    AccessTokenMinter,
    IdTokenMinter,
    OpaqueTokenStore,
    RefreshTokensRepository,
    UserTokenIssuer,
    GrantFamilies,
    ClientCredentialsGrant,
    PasswordGrant,
    RefreshTokenGrant,
    AuthorizationCodeGrant,
    TokenExchangeGrant,
    DelegationService,
    RefusalAudit,
    TokenRequestMetrics,
    TokenService,
  ],
  exports: [RefreshTokensRepository],
})
export class TokenModule {}
