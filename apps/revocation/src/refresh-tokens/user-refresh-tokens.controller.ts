import { Delete, Get, HttpCode } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { checkpointQuery, type CheckpointQuery } from '../management/management-params';
import { Admin, PathId, type AdminAction } from '../management/management-route';
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
  list(
    @PathId('userId', 'user_id') userId: string,
    @ManagementQuery(checkpointQuery) query: CheckpointQuery,
  ) {
    return this.refreshTokens.listOfUser(userId, query);
  }

  /** 202 "Refresh token deletion request accepted." (Auth0); committed before the answer here. */
  @Delete(':userId/refresh-tokens')
  @HttpCode(202)
  @RequireScopes('delete:refresh_tokens')
  async delete(@PathId('userId', 'user_id') userId: string, @Admin() admin: AdminAction): Promise<void> {
    await this.refreshTokens.deleteOfUser(userId, admin);
  }
}
