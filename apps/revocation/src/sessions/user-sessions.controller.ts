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
import { SessionsManagementService } from './sessions-management.service';

/** Management API v2 `/api/v2/users/{user_id}/sessions` (routed here by the gateway). */
@ManagementController('users')
export class UserSessionsController {
  constructor(private readonly sessions: SessionsManagementService) {}

  @Get(':userId/sessions')
  @RequireScopes('read:sessions')
  list(@Param('userId') userId: string, @ManagementQuery(checkpointQuery) query: CheckpointQuery) {
    return this.sessions.listOfUser(pathId(userId, 'user_id'), query);
  }

  /** 202 (Auth0): every live session of the user, with its grants. */
  @Delete(':userId/sessions')
  @HttpCode(202)
  @RequireScopes('delete:sessions')
  async delete(
    @Param('userId') userId: string,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.sessions.deleteOfUser(pathId(userId, 'user_id'), adminSubOf(caller), {
      correlationId: requestId,
    });
  }
}
