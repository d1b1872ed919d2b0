import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { GrantsController } from './grants.controller';
import { GrantsManagementService } from './grants-management.service';

@Module({
  imports: [RegistryModule, RevocationsModule],
  controllers: [GrantsController],
  providers: [GrantsManagementService],
})
export class GrantsModule {}
