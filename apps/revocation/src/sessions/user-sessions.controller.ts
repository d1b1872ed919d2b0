import { Delete, Get, HttpCode } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { checkpointQuery, type CheckpointQuery } from '../management/management-params';
import { Admin, PathId, type AdminAction } from '../management/management-route';
import { SessionsManagementService } from './sessions-management.service';

/** Management API v2 `/api/v2/users/{user_id}/sessions` (routed here by the gateway). */
@ManagementController('users')
export class UserSessionsController {
  constructor(private readonly sessions: SessionsManagementService) {}

  @Get(':userId/sessions')
  @RequireScopes('read:sessions')
  list(
    @PathId('userId', 'user_id') userId: string,
    @ManagementQuery(checkpointQuery) query: CheckpointQuery,
  ) {
    return this.sessions.listOfUser(userId, query);
  }

  /** 202 (Auth0): every live session of the user, with its grants. */
  @Delete(':userId/sessions')
  @HttpCode(202)
  @RequireScopes('delete:sessions')
  async delete(@PathId('userId', 'user_id') userId: string, @Admin() admin: AdminAction): Promise<void> {
    await this.sessions.deleteOfUser(userId, admin);
  }
}
