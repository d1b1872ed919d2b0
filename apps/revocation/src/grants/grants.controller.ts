import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementCaller,
  ManagementController,
  ManagementQuery,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { adminSubOf, pathId } from '../management/management-params';
import {
  deleteGrantsQuery,
  listGrantsQuery,
  type DeleteGrantsQuery,
  type ListGrantsQuery,
} from './grant.schemas';
import { GrantsManagementService } from './grants-management.service';

/** Management API v2 `/api/v2/grants`. */
@ManagementController('grants')
export class GrantsController {
  constructor(private readonly grants: GrantsManagementService) {}

  @Get()
  @RequireScopes('read:grants')
  list(@ManagementQuery(listGrantsQuery) query: ListGrantsQuery) {
    return this.grants.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:grants')
  async delete(
    @Param('id') id: string,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.grants.delete(pathId(id, 'id'), adminSubOf(caller), { correlationId: requestId });
  }

  /** `DELETE /api/v2/grants?user_id=…`: every grant of the user. */
  @Delete()
  @HttpCode(204)
  @RequireScopes('delete:grants')
  async deleteOfUser(
    @ManagementQuery(deleteGrantsQuery) query: DeleteGrantsQuery,
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.grants.deleteOfUser(query.user_id, adminSubOf(caller), { correlationId: requestId });
  }
}
