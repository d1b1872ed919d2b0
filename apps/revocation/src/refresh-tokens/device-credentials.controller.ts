import { Delete, Get, HttpCode } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { Admin, PathId, type AdminAction } from '../management/management-route';
import { listDeviceCredentialsQuery, type ListDeviceCredentialsQuery } from './refresh-token.schemas';
import { RefreshTokensManagementService } from './refresh-tokens-management.service';

/** Management API v2 `/api/v2/device-credentials` (refresh tokens, by device). */
@ManagementController('device-credentials')
export class DeviceCredentialsController {
  constructor(private readonly refreshTokens: RefreshTokensManagementService) {}

  @Get()
  @RequireScopes('read:device_credentials')
  list(@ManagementQuery(listDeviceCredentialsQuery) query: ListDeviceCredentialsQuery) {
    return this.refreshTokens.listDeviceCredentials(query);
  }

  /** 204, as Auth0 answers it: the device's refresh token (and its grant) is revoked. */
  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:device_credentials')
  async delete(@PathId('id') id: string, @Admin() admin: AdminAction): Promise<void> {
    await this.refreshTokens.deleteDeviceCredential(id, admin);
  }
}
