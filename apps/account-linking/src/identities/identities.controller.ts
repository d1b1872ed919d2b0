import { Delete, Param, Post, HttpCode } from '@nestjs/common';
import { RequestId } from '@app/http';
import {
  insufficientScope,
  ManagementBody,
  ManagementCaller,
  ManagementController,
  ManagementError,
  RequireScopes,
  type ManagementCallerInfo,
} from '@app/management';
import { identityView } from '../users/user.view';
import type { IdentityEntity } from '../users/identity.entity';
import { linkIdentityBody, type LinkIdentityBody } from './identity.schemas';
import { IdentityLinkingService } from './identity-linking.service';

const UPDATE_USERS = 'update:users';
/** A user's own token (e.g. from an SPA) may link and unlink that user's identities only. */
const UPDATE_CURRENT_USER_IDENTITIES = 'update:current_user_identities';

/**
 * Account linking, `POST /api/v2/users/{id}/identities` and
 * `DELETE /api/v2/users/{id}/identities/{provider}/{user_id}` (reference/auth0-api.md §3).
 */
@ManagementController('users')
export class IdentitiesController {
  constructor(private readonly linking: IdentityLinkingService) {}

  @Post(':id/identities')
  @HttpCode(201)
  @RequireScopes(UPDATE_USERS, UPDATE_CURRENT_USER_IDENTITIES)
  async link(
    @Param('id') id: string,
    @ManagementBody(linkIdentityBody) body: LinkIdentityBody,
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ) {
    const asTheUser = actsAsTheUserOnly(caller, id);
    // A user acting on its own account proves the secondary account with its ID token.
    if (asTheUser && body.kind !== 'id_token') throw insufficientScope([UPDATE_USERS]);
    const identities = await this.linking.link(
      id,
      body,
      { clientId: caller?.clientId },
      { correlationId: requestId },
    );
    return identities.map((identity) => identityView(identity));
  }

  @Delete(':id/identities/:provider/:user_id')
  @RequireScopes(UPDATE_USERS, UPDATE_CURRENT_USER_IDENTITIES)
  async unlink(
    @Param('id') id: string,
    @Param('provider') provider: string,
    @Param('user_id') userId: string,
    @ManagementCaller() caller: ManagementCallerInfo | undefined,
    @RequestId() requestId: string,
  ) {
    actsAsTheUserOnly(caller, id);
    const identities: IdentityEntity[] = await this.linking.unlink(id, provider, userId, {
      correlationId: requestId,
    });
    return identities.map((identity) => identityView(identity));
  }
}

/**
 * True when the caller holds only `update:current_user_identities`: then `{id}` must be the token's
 * own subject (Auth0's 403 otherwise).
 */
function actsAsTheUserOnly(caller: ManagementCallerInfo | undefined, userId: string): boolean {
  if (caller?.scopes.has(UPDATE_USERS)) return false;
  if (caller?.sub !== userId) {
    throw new ManagementError(403, 'User to be acted on does not match subject in bearer token.');
  }
  return true;
}
