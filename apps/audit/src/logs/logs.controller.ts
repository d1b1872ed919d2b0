import { Get, Param } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { logsQuery, type LogsQuery } from './log-params';
import { LogsService } from './logs.service';

/** Management API v2 `/api/v2/logs` (Auth0 "Search log events", "Get a log event by id"). */
@ManagementController('logs')
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  @Get()
  @RequireScopes('read:logs', 'read:logs_users')
  list(@ManagementQuery(logsQuery) query: LogsQuery) {
    return this.logs.list(query);
  }

  /** Any id that is not one of ours is simply not found: log ids are opaque to callers. */
  @Get(':id')
  @RequireScopes('read:logs', 'read:logs_users')
  get(@Param('id') id: string) {
    return this.logs.get(id);
  }
}
