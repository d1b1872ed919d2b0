import { Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ManagementBody, ManagementController, RequireScopes } from '@app/management';
import { Admin, PathId, type AdminAction } from '../management/management-route';
import { updateRefreshTokenBody, type UpdateRefreshTokenBody } from './refresh-token.schemas';
import { RefreshTokensManagementService } from './refresh-tokens-management.service';

/** Management API v2 `/api/v2/refresh-tokens/{id}`. */
@ManagementController('refresh-tokens')
export class RefreshTokensController {
  constructor(private readonly refreshTokens: RefreshTokensManagementService) {}

  @Get(':id')
  @RequireScopes('read:refresh_tokens')
  get(@PathId('id') id: string) {
    return this.refreshTokens.get(id);
  }

  /** 200 with the token: `refresh_token_metadata` (≤ 25 properties, keys and values ≤ 255 characters). */
  @Patch(':id')
  @RequireScopes('update:refresh_tokens')
  update(@PathId('id') id: string, @ManagementBody(updateRefreshTokenBody) body: UpdateRefreshTokenBody) {
    return this.refreshTokens.update(id, body);
  }

  /** 202 like Auth0's (asynchronous there); here the revocation is committed before the answer. */
  @Delete(':id')
  @HttpCode(202)
  @RequireScopes('delete:refresh_tokens')
  async delete(@PathId('id') id: string, @Admin() admin: AdminAction): Promise<void> {
    await this.refreshTokens.delete(id, admin);
  }
}
