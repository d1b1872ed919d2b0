import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  ManagementQuery,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import {
  deleteUserBlocksByIdentifierQuery,
  userBlocksByIdentifierQuery,
  userBlocksByIdQuery,
  type UserBlocksByIdentifierQuery,
} from './user-block.schemas';
import type { Unblocking } from '../attack-protection/attack-protection.service';
import { UserBlocksService } from './user-blocks.service';

/**
 * Management API v2 `/api/v2/user-blocks`: brute-force blocks, by user id (URL-encoded,
 * `auth0%7C…`) or by the identifier typed at login. Reading needs `read:users`, unblocking
 * `update:users`, as in Auth0.
 */
@ManagementController('user-blocks')
export class UserBlocksController {
  constructor(private readonly blocks: UserBlocksService) {}

  @Get()
  @RequireScopes('read:users')
  byIdentifier(@ManagementQuery(userBlocksByIdentifierQuery) query: UserBlocksByIdentifierQuery) {
    return this.blocks.ofIdentifier(query.identifier);
  }

  @Delete()
  @HttpCode(204)
  @RequireScopes('update:users')
  async unblockIdentifier(
    @ManagementQuery(deleteUserBlocksByIdentifierQuery) query: { identifier: string },
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.blocks.unblockIdentifier(query.identifier, byAdmin(caller), { correlationId: requestId });
  }

  @Get(':id')
  @RequireScopes('read:users')
  ofUser(@Param('id') id: string, @ManagementQuery(userBlocksByIdQuery) _query: unknown) {
    return this.blocks.ofUser(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('update:users')
  async unblockUser(
    @Param('id') id: string,
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.blocks.unblockUser(id, byAdmin(caller), { correlationId: requestId });
  }
}

/** The Management API caller who lifts a block, for its `user_block.deleted` event. */
function byAdmin(caller: ManagementCallerInfo | undefined): Unblocking {
  return { reason: 'admin', ...(caller ? { by: caller.sub } : {}) };
}
