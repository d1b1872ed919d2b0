import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { AccountRevocationsConsumer } from './account-revocations.consumer';
import { AccountRevocationsService } from './account-revocations.service';

@Module({
  imports: [RegistryModule, RevocationsModule],
  providers: [AccountRevocationsService, AccountRevocationsConsumer],
})
export class AccountsModule {}
