import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { AccountRevocationsConsumer } from './account-revocations.consumer';
import { AccountRevocationsService } from './account-revocations.service';
import { KnownUsersConsumer } from './known-users.consumer';

@Module({
  imports: [RegistryModule, RevocationsModule],
  // Event handlers (@OnEvent) are controllers: the app's EventStreamTransport serves them.
  controllers: [AccountRevocationsConsumer, KnownUsersConsumer],
  providers: [AccountRevocationsService],
})
export class AccountsModule {}
