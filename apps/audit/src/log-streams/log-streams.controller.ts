import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ManagementBody, ManagementController, RequireScopes } from '@app/management';
import {
  createLogStreamBody,
  updateLogStreamBody,
  type CreateLogStreamBody,
  type UpdateLogStreamBody,
} from './log-stream.schemas';
import { LogStreamsService } from './log-streams.service';

/** Management API v2 `/api/v2/log-streams` (Auth0 "Log Streams"), `type: "http"`. */
@ManagementController('log-streams')
export class LogStreamsController {
  constructor(private readonly streams: LogStreamsService) {}

  /** 200, as Auth0 answers a created log stream. */
  @Post()
  @HttpCode(200)
  @RequireScopes('create:log_streams')
  create(@ManagementBody(createLogStreamBody) body: CreateLogStreamBody) {
    return this.streams.create(body);
  }

  @Get()
  @RequireScopes('read:log_streams')
  list() {
    return this.streams.list();
  }

  @Get(':id')
  @RequireScopes('read:log_streams')
  get(@Param('id') id: string) {
    return this.streams.get(id);
  }

  @Patch(':id')
  @RequireScopes('update:log_streams')
  update(@Param('id') id: string, @ManagementBody(updateLogStreamBody) body: UpdateLogStreamBody) {
    return this.streams.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:log_streams')
  async delete(@Param('id') id: string): Promise<void> {
    await this.streams.delete(id);
  }
}
