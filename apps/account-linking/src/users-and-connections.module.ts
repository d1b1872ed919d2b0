import { Module } from '@nestjs/common';
import { AttackProtectionModule } from './attack-protection/attack-protection.module';
import { SecretBox } from '@app/secrets';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from './config/account-linking.config';
import { INTERNAL_API_TOKEN, InternalCallerGuard } from '@app/http';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsRepository } from './connections/connections.repository';
import { CONNECTION_SECRET_BOX, ConnectionsService } from './connections/connections.service';
import { IdentitiesController } from './identities/identities.controller';
import { IdentityLinkingService } from './identities/identity-linking.service';
import { IdpTokenVault } from './identities/idp-token-vault';
import { IdpTokensService } from './identities/idp-tokens.service';
import { UpstreamHttpClient } from './upstream/upstream-http.client';
import { OutboundNetworkPolicy } from '@app/http';
import { UpstreamOidcClient } from './upstream/upstream-oidc.client';
import { LoginTicketRedemptionController } from './internal/login-ticket-redemption.controller';
import { LoginTicketRedemptionService } from './internal/login-ticket-redemption.service';
import { LoginAttemptsRepository } from './login/login-attempts.repository';
import { LoginController } from './login/login.controller';
import { LoginService } from './login/login.service';
import { LoginTicketsRepository } from './login/login-tickets.repository';
import { UpstreamAccountsService } from './login/upstream-accounts.service';
import { PasswordVerificationController } from './internal/password-verification.controller';
import { PasswordVerificationService } from './internal/password-verification.service';
import { HashingQueue } from './passwords/hashing-queue';
import { OwnerAddresses } from './passwords/owner-addresses';
import { PasswordHasher } from './passwords/password-hasher';
import { UsersByEmailController } from './users/users-by-email.controller';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';
import { UserBlocksController } from './user-blocks/user-blocks.controller';
import { UserBlocksService } from './user-blocks/user-blocks.service';

/**
 * Users, connections and identities: the Management API v2 routes, account linking, upstream login
 * and the internal API issuance calls (password check, login-ticket redemption).
 */
@Module({
  imports: [AttackProtectionModule],
  controllers: [
    UsersController,
    UsersByEmailController,
    IdentitiesController,
    ConnectionsController,
    PasswordVerificationController,
    LoginController,
    LoginTicketRedemptionController,
    UserBlocksController,
  ],
  providers: [
    UsersRepository,
    UsersService,
    UserBlocksService,
    ConnectionsRepository,
    ConnectionsService,
    {
      provide: HashingQueue,
      useFactory: (config: AccountLinkingConfig) =>
        new HashingQueue({
          concurrency: config.TESSERA_PASSWORD_HASH_CONCURRENCY,
          normalQueue: config.TESSERA_PASSWORD_HASH_QUEUE,
          priorityQueue: config.TESSERA_PASSWORD_HASH_PRIORITY_QUEUE,
          // The normal lane gets at least one slot in five while both wait (docs/adr/0013).
          priorityBurst: 4,
        }),
      inject: [ACCOUNT_LINKING_CONFIG],
    },
    PasswordHasher,
    OwnerAddresses,
    IdentityLinkingService,
    IdpTokenVault,
    IdpTokensService,
    UpstreamOidcClient,
    {
      provide: OutboundNetworkPolicy,
      useFactory: (config: AccountLinkingConfig) =>
        new OutboundNetworkPolicy(config.TESSERA_UPSTREAM_ALLOW_PRIVATE_NETWORKS),
      inject: [ACCOUNT_LINKING_CONFIG],
    },
    {
      provide: UpstreamHttpClient,
      useFactory: (policy: OutboundNetworkPolicy) => new UpstreamHttpClient(policy),
      inject: [OutboundNetworkPolicy],
    },
    LoginAttemptsRepository,
    LoginTicketsRepository,
    LoginService,
    UpstreamAccountsService,
    LoginTicketRedemptionService,
    PasswordVerificationService,
    InternalCallerGuard,
    {
      provide: INTERNAL_API_TOKEN,
      useFactory: (config: AccountLinkingConfig) => config.TESSERA_INTERNAL_TOKEN ?? null,
      inject: [ACCOUNT_LINKING_CONFIG],
    },
    {
      provide: CONNECTION_SECRET_BOX,
      useFactory: (config: AccountLinkingConfig) => SecretBox.fromKeyring(config),
      inject: [ACCOUNT_LINKING_CONFIG],
    },
  ],
})
export class UsersAndConnectionsModule {}
