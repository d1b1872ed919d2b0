import { HttpCode, Get, Param, Post, Put } from '@nestjs/common';
import { RequestId } from '@app/http';
import { ManagementController, RequireScopes } from '@app/management';
import { SigningKeyLifecycleService } from './signing-key-lifecycle.service';

/** Management API v2 `/api/v2/keys/signing` (reference/auth0-api.md §2.9). */
@ManagementController('keys/signing')
export class SigningKeysController {
  constructor(private readonly lifecycle: SigningKeyLifecycleService) {}

  @Get()
  @RequireScopes('read:signing_keys')
  list() {
    return this.lifecycle.list();
  }

  @Post('rotate')
  @HttpCode(201)
  @RequireScopes('create:signing_keys', 'update:signing_keys')
  rotate(@RequestId() requestId: string) {
    return this.lifecycle.rotate({ correlationId: requestId });
  }

  @Get(':kid')
  @RequireScopes('read:signing_keys')
  get(@Param('kid') kid: string) {
    return this.lifecycle.get(kid);
  }

  @Put(':kid/revoke')
  @RequireScopes('update:signing_keys')
  revoke(@Param('kid') kid: string, @RequestId() requestId: string) {
    return this.lifecycle.revoke(kid, { correlationId: requestId });
  }
}
