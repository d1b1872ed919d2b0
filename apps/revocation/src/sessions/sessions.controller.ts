import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { adminSubOf, pathId } from '../management/management-params';
import { SessionsManagementService } from './sessions-management.service';

/** Management API v2 `/api/v2/sessions/{id}`. */
@ManagementController('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsManagementService) {}

  @Get(':id')
  @RequireScopes('read:sessions')
  get(@Param('id') id: string) {
    return this.sessions.get(pathId(id, 'id'));
  }

  /** 202 like Auth0's; the session and its grants are revoked and committed before the answer. */
  @Delete(':id')
  @HttpCode(202)
  @RequireScopes('delete:sessions')
  async delete(
    @Param('id') id: string,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.sessions.delete(pathId(id, 'id'), adminSubOf(caller), { correlationId: requestId });
  }
}
