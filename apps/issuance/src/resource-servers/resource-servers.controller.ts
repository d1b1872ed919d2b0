import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ManagementBody, ManagementController, ManagementQuery, RequireScopes } from '@app/management';
import {
  createResourceServerBody,
  listResourceServersQuery,
  updateResourceServerBody,
  type CreateResourceServerBody,
  type ListResourceServersQuery,
  type UpdateResourceServerBody,
} from './resource-server.schemas';
import { ResourceServersService } from './resource-servers.service';

/** Management API v2 `/api/v2/resource-servers` ("APIs"); `{id}` is the id or the identifier. */
@ManagementController('resource-servers')
export class ResourceServersController {
  constructor(private readonly resourceServers: ResourceServersService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('create:resource_servers')
  create(@ManagementBody(createResourceServerBody) body: CreateResourceServerBody) {
    return this.resourceServers.create(body);
  }

  @Get()
  @RequireScopes('read:resource_servers')
  list(@ManagementQuery(listResourceServersQuery) query: ListResourceServersQuery) {
    return this.resourceServers.list(query);
  }

  @Get(':id')
  @RequireScopes('read:resource_servers')
  get(@Param('id') id: string) {
    return this.resourceServers.get(id);
  }

  @Patch(':id')
  @RequireScopes('update:resource_servers')
  update(@Param('id') id: string, @ManagementBody(updateResourceServerBody) body: UpdateResourceServerBody) {
    return this.resourceServers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('delete:resource_servers')
  async delete(@Param('id') id: string): Promise<void> {
    await this.resourceServers.delete(id);
  }
}
