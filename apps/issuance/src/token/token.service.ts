import { Injectable } from '@nestjs/common';
import type { ClientCredentialsSnapshot, EventContext } from '@app/contracts';
import {
  ClientAuthenticator,
  InvalidClientError,
  UnsupportedGrantTypeError,
  type ClientDirectory,
  type OAuthParams,
} from '@app/oauth';
import { toSnapshot } from '../clients/client-events';
import type { ClientEntity } from '../clients/client.entity';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { PASSWORD_GRANT, PASSWORD_REALM_GRANT, PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { RefusalAudit } from './refusal-audit';
import type { TokenResponse } from './token-response';

/**
 * `POST /oauth/token`: authenticates the client, then hands the request to its grant. Every refusal
 * is recorded on the audit stream with Auth0's failure log code for the grant.
 */
@Injectable()
export class TokenService {
  private readonly authenticator: ClientAuthenticator;

  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly password: PasswordGrant,
    private readonly refreshToken: RefreshTokenGrant,
    private readonly authorizationCode: AuthorizationCodeGrant,
    private readonly refusals: RefusalAudit,
  ) {
    const directory: ClientDirectory = {
      findClient: async (clientId): Promise<ClientCredentialsSnapshot | null> => {
        const client = await this.lookup.client(clientId);
        return client ? toSnapshot(client) : null;
      },
    };
    this.authenticator = new ClientAuthenticator(directory);
  }

  async exchange(
    params: OAuthParams,
    authorization: string | undefined,
    correlationId: string,
  ): Promise<TokenResponse> {
    const context: EventContext = { correlationId };
    const grantType = params.get('grant_type');
    try {
      if (grantType === undefined) params.require('grant_type');
      const { client } = await this.authenticator.authenticate(authorization, params);
      const entity = await this.lookup.client(client.client_id);
      if (!entity) throw new InvalidClientError();
      return await this.dispatch(entity, grantType ?? '', params, context);
    } catch (error) {
      await this.refusals.record(error, { grantType, params, authorization }, context);
      throw error;
    }
  }

  private dispatch(
    client: ClientEntity,
    grantType: string,
    params: OAuthParams,
    context: EventContext,
  ): Promise<TokenResponse> {
    switch (grantType) {
      case 'client_credentials':
        return this.clientCredentials.exchange(client, params, context);
      case PASSWORD_GRANT:
      case PASSWORD_REALM_GRANT:
        return this.password.exchange(client, grantType, params, context);
      case 'refresh_token':
        return this.refreshToken.exchange(client, params, context);
      case 'authorization_code':
        return this.authorizationCode.exchange(client, params, context);
      default:
        throw new UnsupportedGrantTypeError();
    }
  }
}
