import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import {
  deleteUserBlocksByIdentifierQuery,
  userBlocksByIdentifierQuery,
  userBlocksByIdQuery,
  type UserBlocksByIdentifierQuery,
} from './user-block.schemas';
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
  ): Promise<void> {
    await this.blocks.unblockIdentifier(query.identifier);
  }

  @Get(':id')
  @RequireScopes('read:users')
  ofUser(@Param('id') id: string, @ManagementQuery(userBlocksByIdQuery) _query: unknown) {
    return this.blocks.ofUser(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('update:users')
  async unblockUser(@Param('id') id: string): Promise<void> {
    await this.blocks.unblockUser(id);
  }
}
