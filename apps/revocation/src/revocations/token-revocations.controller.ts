import { HttpCode, Post } from '@nestjs/common';
import { ManagementBody, ManagementController, RequireScopes } from '@app/management';
import { Admin, type AdminAction } from '../management/management-route';
import { createTokenRevocationBody, type CreateTokenRevocationBody } from './token-revocation.schemas';
import { TokenRevocationsService } from './token-revocations.service';

/** Management API v2 `/api/v2/token-revocations` — beyond Auth0: revoke by client or user with a not-before. */
@ManagementController('token-revocations')
export class TokenRevocationsController {
  constructor(private readonly tokenRevocations: TokenRevocationsService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('create:token_revocations')
  create(
    @ManagementBody(createTokenRevocationBody) body: CreateTokenRevocationBody,
    @Admin() admin: AdminAction,
  ) {
    // Who revoked, for the audit trail of the revocation event: the token's subject (`{client}@clients`).
    return this.tokenRevocations.revokeIssuedBefore(body, admin.adminSub, admin.context);
  }
}
