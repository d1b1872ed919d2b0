import { Module } from '@nestjs/common';
import { ClientAuthenticator } from '@app/oauth';
import { ClientsConsumer } from '../clients/clients.consumer';
import { ClientsRepository } from '../clients/clients.repository';
import { RevocationsRepository } from './revocations.repository';
import { RevocationsService } from './revocations.service';
import { RevokeController } from './revoke.controller';
import { RevokedJtiMarker } from './revoked-jti-marker';

@Module({
  controllers: [RevokeController],
  providers: [
    ClientsRepository,
    ClientsConsumer,
    {
      provide: ClientAuthenticator,
      useFactory: (clients: ClientsRepository) =>
        new ClientAuthenticator({ findClient: (id) => clients.find(id) }),
      inject: [ClientsRepository],
    },
    RevocationsRepository,
    RevokedJtiMarker,
    RevocationsService,
  ],
})
export class RevocationsModule {}
