import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { SessionsManagementService } from './sessions-management.service';
import { SessionsController } from './sessions.controller';
import { UserSessionsController } from './user-sessions.controller';

@Module({
  imports: [RegistryModule, RevocationsModule],
  controllers: [SessionsController, UserSessionsController],
  providers: [SessionsManagementService],
})
export class SessionsModule {}
