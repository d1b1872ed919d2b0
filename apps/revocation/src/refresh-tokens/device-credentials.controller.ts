import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  ManagementQuery,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { adminSubOf, pathId } from '../management/management-params';
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
  async delete(
    @Param('id') id: string,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.refreshTokens.deleteDeviceCredential(pathId(id, 'id'), adminSubOf(caller), {
      correlationId: requestId,
    });
  }
}
