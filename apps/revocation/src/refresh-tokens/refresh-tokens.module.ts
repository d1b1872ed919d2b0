import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { DeviceCredentialsController } from './device-credentials.controller';
import { RefreshTokensManagementService } from './refresh-tokens-management.service';
import { RefreshTokensController } from './refresh-tokens.controller';
import { UserRefreshTokensController } from './user-refresh-tokens.controller';

@Module({
  imports: [RegistryModule, RevocationsModule],
  controllers: [DeviceCredentialsController, RefreshTokensController, UserRefreshTokensController],
  providers: [RefreshTokensManagementService],
})
export class RefreshTokensModule {}
