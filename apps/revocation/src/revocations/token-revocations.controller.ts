import { HttpCode, Post } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  ManagementBody,
  ManagementCaller,
  ManagementController,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
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
    @ManagementCaller() caller: ManagementCallerInfo,
    @RequestId() requestId: string,
  ) {
    // Who revoked, for the audit trail of the revocation event: the token's subject (`{client}@clients`).
    const adminSub = caller.sub || caller.clientId || 'management-api';
    return this.tokenRevocations.revokeIssuedBefore(body, adminSub, { correlationId: requestId });
  }
}
