import { Injectable } from '@nestjs/common';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import {
  ClientAuthenticator,
  InvalidClientError,
  UnsupportedGrantTypeError,
  type ClientDirectory,
  type OAuthParams,
} from '@app/oauth';
import { toSnapshot } from '../clients/client-events';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import type { TokenResponse } from './token-response';

/** `POST /oauth/token`: authenticates the client, then hands the request to its grant. */
@Injectable()
export class TokenService {
  private readonly authenticator: ClientAuthenticator;

  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly clientCredentials: ClientCredentialsGrant,
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
    const grantType = params.require('grant_type');
    if (grantType !== 'client_credentials') throw new UnsupportedGrantTypeError();
    const { client } = await this.authenticator.authenticate(authorization, params);
    const entity = await this.lookup.client(client.client_id);
    if (!entity) throw new InvalidClientError();
    return this.clientCredentials.exchange(entity, params, { correlationId });
  }
}
