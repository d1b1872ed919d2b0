import { Module } from '@nestjs/common';
import { SecretBox } from '@app/secrets';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from './config/account-linking.config';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsRepository } from './connections/connections.repository';
import { CONNECTION_SECRET_BOX, ConnectionsService } from './connections/connections.service';
import { IdentitiesController } from './identities/identities.controller';
import { IdentityLinkingService } from './identities/identity-linking.service';
import { IdpTokenVault } from './identities/idp-token-vault';
import { IdpTokensService } from './identities/idp-tokens.service';
import { UpstreamOidcClient } from './upstream/upstream-oidc.client';
import { InternalCallerGuard } from './internal/internal-caller.guard';
import { PasswordVerificationController } from './internal/password-verification.controller';
import { PasswordVerificationService } from './internal/password-verification.service';
import { PasswordHasher } from './passwords/password-hasher';
import { UsersByEmailController } from './users/users-by-email.controller';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/** Users and connections: the Management API v2 routes and the internal password check. */
@Module({
  controllers: [
    UsersController,
    UsersByEmailController,
    IdentitiesController,
    ConnectionsController,
    PasswordVerificationController,
  ],
  providers: [
    UsersRepository,
    UsersService,
    ConnectionsRepository,
    ConnectionsService,
    PasswordHasher,
    IdentityLinkingService,
    IdpTokenVault,
    IdpTokensService,
    UpstreamOidcClient,
    PasswordVerificationService,
    InternalCallerGuard,
    {
      provide: CONNECTION_SECRET_BOX,
      useFactory: (config: AccountLinkingConfig) => SecretBox.fromBase64Key(config.TESSERA_ENCRYPTION_KEY),
      inject: [ACCOUNT_LINKING_CONFIG],
    },
  ],
})
export class UsersAndConnectionsModule {}
