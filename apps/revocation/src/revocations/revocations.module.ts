import { Module } from '@nestjs/common';
import {
  ClientAssertionVerifier,
  ClientAuthenticator,
  ClientConfirmations,
  clientAssertionAudiences,
} from '@app/oauth';
import { REDIS, RedisAssertionReplayGuard, type RedisClient } from '@app/redis';
import { ClientsConsumer } from '../clients/clients.consumer';
import { ClientsProjectionService } from '../clients/clients-projection.service';
import { CachedClientDirectory } from '../clients/cached-client-directory';
import { ClientsRepository } from '../clients/clients.repository';
import { REVOCATION_CONFIG, type RevocationConfig } from '../config/revocation.config';
import { IssuedTokensConsumer } from '../registry/issued-tokens.consumer';
import { RegistryModule } from '../registry/registry.module';
import { AuditStreamRevocations } from './audit-stream-revocations.service';
import { DerivedTokenRevocations } from './derived-token-revocations.service';
import { GrantRevocationsService } from './grant-revocations.service';
import { OpaqueTokenStore } from './opaque-token-store';
import { PresentedTokenRevocations } from './presented-token-revocations.service';
import { RevocationsRepository } from './revocations.repository';
import { RevocationMetrics } from './revocation-metrics';
import { RevocationsService } from './revocations.service';
import { RevokeRoute } from './revoke.route';
import { RevokedJtiMarker } from './revoked-jti-marker';
import { RevokedJtiRebuilder } from './revoked-jti-rebuilder';
import { TokenRevocationsController } from './token-revocations.controller';
import { TokenRevocationsService } from './token-revocations.service';

@Module({
  imports: [RegistryModule],
  controllers: [TokenRevocationsController, ClientsConsumer],
  providers: [
    ClientsRepository,
    ClientsProjectionService,
    CachedClientDirectory,
    {
      provide: ClientConfirmations,
      useFactory: (config: RevocationConfig) => ClientConfirmations.fromIssuance(config),
      inject: [REVOCATION_CONFIG],
    },
    {
      provide: ClientAuthenticator,
      // private_key_jwt as at the token endpoint (review #19): the clients topic carries the public
      // keys, and an assertion's jti is single-use across every service through the shared Redis.
      useFactory: (directory: CachedClientDirectory, redis: RedisClient, config: RevocationConfig) =>
        new ClientAuthenticator(
          directory,
          new ClientAssertionVerifier(
            clientAssertionAudiences(config.TESSERA_ISSUER, 'oauth/revoke'),
            new RedisAssertionReplayGuard(redis),
          ),
        ),
      inject: [CachedClientDirectory, REDIS, REVOCATION_CONFIG],
    },
    RevocationsRepository,
    RevokedJtiMarker,
    RevokedJtiRebuilder,
    RevocationMetrics,
    RevocationsService,
    TokenRevocationsService,
    OpaqueTokenStore,
    GrantRevocationsService,
    DerivedTokenRevocations,
    PresentedTokenRevocations,
    RevokeRoute,
    AuditStreamRevocations,
    IssuedTokensConsumer,
  ],
  exports: [RevocationsService, RevocationsRepository, GrantRevocationsService],
})
export class RevocationsModule {}
