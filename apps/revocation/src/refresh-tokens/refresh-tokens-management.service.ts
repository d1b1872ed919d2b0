import { Injectable } from '@nestjs/common';
import { notFound, pageOf, pageWindow } from '@app/management';
import {
  adminCause,
  checkpointPage,
  requireUser,
  type CheckpointQuery,
} from '../management/management-params';
import type { AdminAction } from '../management/management-route';
import { KnownUsersRepository } from '../registry/known-users.repository';
import { RefreshTokensRepository, type RefreshTokenRecord } from '../registry/refresh-tokens.repository';
import { GrantRevocationsService } from '../revocations/grant-revocations.service';
import type { ListDeviceCredentialsQuery, UpdateRefreshTokenBody } from './refresh-token.schemas';
import { deviceCredentialView, refreshTokenView, selectFields } from './refresh-token.views';

const now = () => Math.floor(Date.now() / 1000);

/**
 * The Management API over refresh tokens: `/device-credentials`, `/refresh-tokens/{id}` and
 * `/users/{id}/refresh-tokens`. Deleting a refresh token revokes its grant — the family it belongs to
 * and the access tokens issued from it — as Auth0's deletion ends the grant's refresh tokens.
 */
@Injectable()
export class RefreshTokensManagementService {
  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly grantRevocations: GrantRevocationsService,
    private readonly users: KnownUsersRepository,
  ) {}

  async listDeviceCredentials(query: ListDeviceCredentialsQuery) {
    if (query.type === 'public_key') return pageOf('device_credentials', [], 0, query);
    const { items, total } = await this.refreshTokens.list(
      {
        userId: query.user_id,
        clientId: query.client_id,
        rotating: query.type === undefined ? undefined : query.type === 'rotating_refresh_token',
      },
      now(),
      pageWindow(query),
    );
    const views = items.map((item) =>
      selectFields(deviceCredentialView(item), query.fields, query.include_fields),
    );
    return pageOf('device_credentials', views, total, query);
  }

  async deleteDeviceCredential(id: string, admin: AdminAction): Promise<void> {
    const token = await this.refreshTokens.find(id, now());
    if (!token) throw notFound('The device credential does not exist', 'inexistent_device_credential');
    await this.revokeFamily(token, admin);
  }

  async get(id: string) {
    return refreshTokenView(await this.usable(id));
  }

  /** Replaces the token's `refresh_token_metadata` when the body names it; answers the token. */
  async update(id: string, body: UpdateRefreshTokenBody) {
    const token = await this.usable(id);
    if (body.refresh_token_metadata === undefined) return refreshTokenView(token);
    await this.refreshTokens.setMetadata(token.grantId, body.refresh_token_metadata);
    return refreshTokenView({ ...token, metadata: body.refresh_token_metadata });
  }

  async delete(id: string, admin: AdminAction): Promise<void> {
    await this.revokeFamily(await this.usable(id), admin);
  }

  /**
   * Auth0's checkpoint page `{tokens, next}`. `include_totals` changes nothing: Auth0's answer to it
   * on this endpoint is the same object, with no `total` (ListRefreshTokensPaginatedResponseContent).
   */
  async listOfUser(userId: string, query: CheckpointQuery) {
    await requireUser(this.users, userId);
    const { items, more } = await this.refreshTokens.pageOfUser(userId, now(), query.from ?? '', query.take);
    return checkpointPage('tokens', items.map(refreshTokenView), more, (token) => token.id);
  }

  async deleteOfUser(userId: string, admin: AdminAction): Promise<void> {
    await this.grantRevocations.revokeEveryGrantOfUser(userId, adminCause(admin.adminSub), admin.context);
  }

  private async usable(id: string): Promise<RefreshTokenRecord> {
    const token = await this.refreshTokens.find(id, now());
    if (!token) throw notFound('The refresh token does not exist', 'refresh_token_not_found');
    return token;
  }

  private revokeFamily(token: RefreshTokenRecord, admin: AdminAction): Promise<void> {
    return this.grantRevocations.revokeGrants([token.grantId], adminCause(admin.adminSub), admin.context);
  }
}
