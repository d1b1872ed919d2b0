import { Get, Param } from '@nestjs/common';
import { invalidPathParameter, ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { userLogsQuery, type UserLogsQuery } from './log-params';
import { LogsService } from './logs.service';

/** Auth0 writes user ids as `<provider>|<id>`; the accounts contract bounds them to 320 characters. */
const MAX_USER_ID_LENGTH = 320;

/** Management API v2 `/api/v2/users/{id}/logs` (routed here by the gateway; Auth0 "Get user's log events"). */
@ManagementController('users')
export class UserLogsController {
  constructor(private readonly logs: LogsService) {}

  @Get(':userId/logs')
  @RequireScopes('read:logs', 'read:logs_users')
  list(@Param('userId') userId: string, @ManagementQuery(userLogsQuery) query: UserLogsQuery) {
    if (userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
      throw invalidPathParameter(
        `'String is too long (${userId.length} chars), maximum ${MAX_USER_ID_LENGTH}' on property id.`,
      );
    }
    return this.logs.listOfUser(userId, query);
  }
}
