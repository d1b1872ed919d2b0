import { Module } from '@nestjs/common';
import { ClientAuthenticator } from '@app/oauth';
import { ClientsConsumer } from '../clients/clients.consumer';
import { ClientsProjectionService } from '../clients/clients-projection.service';
import { CachedClientDirectory } from '../clients/cached-client-directory';
import { ClientsRepository } from '../clients/clients.repository';
import { IssuedTokensConsumer } from '../registry/issued-tokens.consumer';
import { RegistryModule } from '../registry/registry.module';
import { AuditStreamRevocations } from './audit-stream-revocations.service';
import { DerivedTokenRevocations } from './derived-token-revocations.service';
import { GrantRevocationsService } from './grant-revocations.service';
import { OpaqueTokenStore } from './opaque-token-store';
import { PresentedTokenRevocations } from './presented-token-revocations.service';
import { RevocationsRepository } from './revocations.repository';
import { RevocationsService } from './revocations.service';
import { RevokeRoute } from './revoke.route';
import { RevokedJtiMarker } from './revoked-jti-marker';
import { RevokedJtiRebuilder } from './revoked-jti-rebuilder';
import { TokenRevocationsController } from './token-revocations.controller';
import { TokenRevocationsService } from './token-revocations.service';

@Module({
  imports: [RegistryModule],
  controllers: [TokenRevocationsController],
  providers: [
    ClientsRepository,
    ClientsProjectionService,
    ClientsConsumer,
    CachedClientDirectory,
    {
      provide: ClientAuthenticator,
      useFactory: (directory: CachedClientDirectory) => new ClientAuthenticator(directory),
      inject: [CachedClientDirectory],
    },
    RevocationsRepository,
    RevokedJtiMarker,
    RevokedJtiRebuilder,
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
