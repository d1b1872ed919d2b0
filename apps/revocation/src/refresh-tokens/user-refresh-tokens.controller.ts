import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  ManagementQuery,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { adminSubOf, checkpointQuery, pathId, type CheckpointQuery } from '../management/management-params';
import { RefreshTokensManagementService } from './refresh-tokens-management.service';

/**
 * Management API v2 `/api/v2/users/{user_id}/refresh-tokens` (the gateway routes these two paths of
 * `/users` here; the rest of `/users` is account-linking's).
 */
@ManagementController('users')
export class UserRefreshTokensController {
  constructor(private readonly refreshTokens: RefreshTokensManagementService) {}

  @Get(':userId/refresh-tokens')
  @RequireScopes('read:refresh_tokens')
  list(@Param('userId') userId: string, @ManagementQuery(checkpointQuery) query: CheckpointQuery) {
    return this.refreshTokens.listOfUser(pathId(userId, 'user_id'), query);
  }

  /** 202 "Refresh token deletion request accepted." (Auth0); committed before the answer here. */
  @Delete(':userId/refresh-tokens')
  @HttpCode(202)
  @RequireScopes('delete:refresh_tokens')
  async delete(
    @Param('userId') userId: string,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.refreshTokens.deleteOfUser(pathId(userId, 'user_id'), adminSubOf(caller), {
      correlationId: requestId,
    });
  }
}
