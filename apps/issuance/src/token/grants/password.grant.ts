import { Inject, Injectable } from '@nestjs/common';
import { managementAudience, type EventContext } from '@app/contracts';
import { UnauthorizedClientError, type OAuthParams } from '@app/oauth';
import { randomToken } from '@app/secrets';
import { AccountLinkingClient } from '../../accounts/account-linking.client';
import { DATABASE_CONNECTION } from '../../accounts/database-connection';
import type { ClientEntity } from '../../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../../config/issuance.config';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import { UserProfilesRepository } from '../../users/user-profiles.repository';
import { requestedApi } from '../audience';
import type { TokenResponse } from '../token-response';
import { UserTokenIssuer } from '../user-token.issuer';
import { grantedUserScopes } from '../user-scopes';

export const PASSWORD_GRANT = 'password';
export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

/**
 * The resource-owner password grant and Auth0's password-realm variant (reference/auth0-api.md §2.2):
 * the password is checked by account-linking (DESIGN §1 lets login call it), then the user's tokens
 * are issued on a new grant. auth-js sends `grant_type=password` with a `realm`, so both honour it.
 */
@Injectable()
export class PasswordGrant {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly accounts: AccountLinkingClient,
    private readonly issuer: UserTokenIssuer,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
    private readonly profiles: UserProfilesRepository,
  ) {}

  async exchange(
    client: ClientEntity,
    grantType: typeof PASSWORD_GRANT | typeof PASSWORD_REALM_GRANT,
    params: OAuthParams,
    context: EventContext,
  ): Promise<TokenResponse> {
    if (!client.grantTypes.includes(grantType)) {
      throw new UnauthorizedClientError(`Grant type '${grantType}' not allowed for the client.`);
    }
    const username = params.require('username');
    const password = params.require('password');
    const realm = grantType === PASSWORD_REALM_GRANT ? params.require('realm') : params.get('realm');
    const api = await requestedApi(params, this.lookup);
    const scopes = grantedUserScopes(params.get('scope'), {
      api,
      clientMayRefresh: client.grantTypes.includes('refresh_token'),
      managementAudience: managementAudience(this.config.TESSERA_ISSUER),
    });
    const user = await this.accounts.verifyPassword({
      connection: realm ?? DATABASE_CONNECTION,
      username,
      password,
      clientId: client.clientId,
      ...(context.origin?.ip !== undefined ? { ip: context.origin.ip } : {}),
    });
    // The profile just read is the freshest there is; refreshes later must not wait for its event.
    await this.profiles.apply(user, false);
    return this.issuer.issueForNewGrant(
      {
        client,
        user,
        api,
        scopes,
        grantType,
        grantId: `gr_${randomToken(16)}`,
        logType: 'sepft',
        ...(params.get('device') !== undefined ? { device: params.get('device') } : {}),
      },
      context,
    );
  }
}
