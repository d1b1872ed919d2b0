import { Delete, Get, HttpCode } from '@nestjs/common';
import { ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import { Admin, PathId, type AdminAction } from '../management/management-route';
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
  async delete(@PathId('id') id: string, @Admin() admin: AdminAction): Promise<void> {
    await this.grants.delete(id, admin);
  }

  /** `DELETE /api/v2/grants?user_id=…`: every grant of the user. */
  @Delete()
  @HttpCode(204)
  @RequireScopes('delete:grants')
  async deleteOfUser(
    @ManagementQuery(deleteGrantsQuery) query: DeleteGrantsQuery,
    @Admin() admin: AdminAction,
  ): Promise<void> {
    await this.grants.deleteOfUser(query.user_id, admin);
  }
}
