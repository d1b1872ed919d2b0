import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ManagementBody, ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import {
  createClientGrantBody,
  listClientGrantsQuery,
  updateClientGrantBody,
  type CreateClientGrantBody,
  type ListClientGrantsQuery,
  type UpdateClientGrantBody,
} from './client-grant.schemas';
import { ClientGrantsService } from './client-grants.service';

/** Management API v2 `/api/v2/client-grants`. */
@ManagementController('client-grants')
export class ClientGrantsController {
  constructor(private readonly grants: ClientGrantsService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('create:client_grants')
  create(@ManagementBody(createClientGrantBody) body: CreateClientGrantBody) {
    return this.grants.create(body);
  }

  @Get()
  @RequireScopes('read:client_grants')
  list(@ManagementQuery(listClientGrantsQuery) query: ListClientGrantsQuery) {
    return this.grants.list(query);
  }

  @Patch(':id')
  @RequireScopes('update:client_grants')
  update(@Param('id') id: string, @ManagementBody(updateClientGrantBody) body: UpdateClientGrantBody) {
    return this.grants.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:client_grants')
  async delete(@Param('id') id: string): Promise<void> {
    await this.grants.delete(id);
  }
}
