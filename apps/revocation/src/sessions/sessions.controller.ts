import { Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ManagementBody, ManagementController, RequireAllScopes, RequireScopes } from '@app/management';
import { Admin, PathId, type AdminAction } from '../management/management-route';
import { updateSessionBody, type UpdateSessionBody } from './session.schemas';
import { SessionsManagementService } from './sessions-management.service';

/** Management API v2 `/api/v2/sessions/{id}`. */
@ManagementController('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsManagementService) {}

  @Get(':id')
  @RequireScopes('read:sessions')
  get(@PathId('id') id: string) {
    return this.sessions.get(id);
  }

  /** 200 with the session: `session_metadata` (≤ 25 properties, keys and values ≤ 255 characters). */
  @Patch(':id')
  @RequireScopes('update:sessions')
  update(@PathId('id') id: string, @ManagementBody(updateSessionBody) body: UpdateSessionBody) {
    return this.sessions.update(id, body);
  }

  /** 202 like Auth0's; the session and its grants are revoked and committed before the answer. */
  @Delete(':id')
  @HttpCode(202)
  @RequireScopes('delete:sessions')
  async delete(@PathId('id') id: string, @Admin() admin: AdminAction): Promise<void> {
    await this.sessions.revoke(id, admin);
  }

  /**
   * Auth0's "revoke a session and its refresh tokens": both scopes, 202. Deleting a session here
   * already revokes its grants (their refresh and access tokens), so both routes take one path.
   */
  @Post(':id/revoke')
  @HttpCode(202)
  @RequireAllScopes('delete:sessions', 'delete:refresh_tokens')
  async revoke(@PathId('id') id: string, @Admin() admin: AdminAction): Promise<void> {
    await this.sessions.revoke(id, admin);
  }
}
