import { Module } from '@nestjs/common';
import { ClientAuthenticator } from '@app/oauth';
import { ClientsConsumer } from '../clients/clients.consumer';
import { ClientsProjectionService } from '../clients/clients-projection.service';
import { CachedClientDirectory } from '../clients/cached-client-directory';
import { ClientsRepository } from '../clients/clients.repository';
import { RevocationsRepository } from './revocations.repository';
import { RevocationsService } from './revocations.service';
import { RevokeController } from './revoke.controller';
import { RevokedJtiMarker } from './revoked-jti-marker';
import { RevokedJtiRebuilder } from './revoked-jti-rebuilder';
import { TokenRevocationsController } from './token-revocations.controller';
import { TokenRevocationsService } from './token-revocations.service';

@Module({
  controllers: [RevokeController, TokenRevocationsController],
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
  ],
  exports: [RevocationsService],
})
export class RevocationsModule {}
