import { Injectable } from '@nestjs/common';
import { pageOf, pageWindow } from '@app/management';
import { adminCause } from '../management/management-params';
import type { AdminAction } from '../management/management-route';
import { GrantsRepository, type GrantRecord } from '../registry/grants.repository';
import { GrantRevocationsService } from '../revocations/grant-revocations.service';
import type { ListGrantsQuery } from './grant.schemas';

/** Auth0's grant object: `{id, clientID, user_id, audience, scope: [...]}`. */
function grantView(grant: GrantRecord) {
  return {
    id: grant.id,
    clientID: grant.clientId,
    user_id: grant.userId,
    audience: grant.audiences[0] ?? '',
    scope: grant.scope.split(' ').filter((scope) => scope.length > 0),
  };
}

/** The Management API over users' grants; deleting one revokes it with its tokens. */
@Injectable()
export class GrantsManagementService {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly grantRevocations: GrantRevocationsService,
  ) {}

  async list(query: ListGrantsQuery) {
    const { items, total } = await this.grants.list(
      { userId: query.user_id, clientId: query.client_id, audience: query.audience },
      pageWindow(query),
    );
    return pageOf('grants', items.map(grantView), total, query);
  }

  /**
   * Deleting a grant nobody knows is not an error (Auth0 documents only 204). Deleting a consent
   * withdraws it (issuance asks the user again) and revokes the tokens issued under it, as Auth0 does.
   */
  async delete(id: string, admin: AdminAction): Promise<void> {
    const grant = await this.grants.find(id);
    if (!grant) return;
    const underIt = grant.consent ? await this.grants.tokenGrantsUnder(grant) : [];
    await this.grantRevocations.revokeGrants(
      [grant.id, ...underIt],
      adminCause(admin.adminSub),
      admin.context,
    );
  }

  async deleteOfUser(userId: string, admin: AdminAction): Promise<void> {
    await this.grantRevocations.revokeEveryGrantOfUser(userId, adminCause(admin.adminSub), admin.context);
  }
}
