import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { adminSubOf, pathId } from '../management/management-params';
import { RefreshTokensManagementService } from './refresh-tokens-management.service';

/** Management API v2 `/api/v2/refresh-tokens/{id}`. */
@ManagementController('refresh-tokens')
export class RefreshTokensController {
  constructor(private readonly refreshTokens: RefreshTokensManagementService) {}

  @Get(':id')
  @RequireScopes('read:refresh_tokens')
  get(@Param('id') id: string) {
    return this.refreshTokens.get(pathId(id, 'id'));
  }

  /** 202 like Auth0's (asynchronous there); here the revocation is committed before the answer. */
  @Delete(':id')
  @HttpCode(202)
  @RequireScopes('delete:refresh_tokens')
  async delete(
    @Param('id') id: string,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.refreshTokens.delete(pathId(id, 'id'), adminSubOf(caller), { correlationId: requestId });
  }
}
