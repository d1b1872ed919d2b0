import { Inject, Injectable } from '@nestjs/common';
import type { ClientCredentialsSnapshot, EventContext } from '@app/contracts';
import {
  ClientAssertionVerifier,
  ClientAuthenticator,
  InvalidClientError,
  UnsupportedGrantTypeError,
  type ClientDirectory,
  type OAuthParams,
} from '@app/oauth';
import { REDIS, RedisAssertionReplayGuard, type RedisClient } from '@app/redis';
import { toSnapshot } from '../clients/client-events';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import type { ClientEntity } from '../clients/client.entity';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { PASSWORD_GRANT, PASSWORD_REALM_GRANT, PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TOKEN_EXCHANGE_GRANT, TokenExchangeGrant } from './grants/token-exchange.grant';
import { DelegationService, JWT_BEARER_GRANT, type DelegationResponse } from './delegation.service';
import { RefusalAudit } from './refusal-audit';
import { TokenRequestMetrics } from './token-request-metrics';
import { refuseThirdPartyPasswordGrant } from './third-party-grants';
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
    private readonly tokenExchange: TokenExchangeGrant,
    private readonly delegation: DelegationService,
    private readonly refusals: RefusalAudit,
    private readonly counted: TokenRequestMetrics,
    @Inject(REDIS) redis: RedisClient,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    const directory: ClientDirectory = {
      findClient: async (clientId): Promise<ClientCredentialsSnapshot | null> => {
        const client = await this.lookup.client(clientId);
        return client ? toSnapshot(client) : null;
      },
    };
    // Auth0 accepts an assertion addressed to the issuer or to the token endpoint itself.
    const assertions = new ClientAssertionVerifier(
      [config.TESSERA_ISSUER, new URL('oauth/token', config.TESSERA_ISSUER).href],
      new RedisAssertionReplayGuard(redis),
    );
    this.authenticator = new ClientAuthenticator(directory, assertions);
  }

  /** `context` carries the request's correlation id and origin (for the refresh-token events). */
  async exchange(
    params: OAuthParams,
    authorization: string | undefined,
    context: EventContext,
  ): Promise<TokenResponse> {
    const grantType = params.get('grant_type');
    return this.audited(grantType, params, authorization, context, async (client, context) => {
      if (grantType === undefined) params.require('grant_type');
      return this.dispatch(client, grantType ?? '', params, context);
    });
  }

  /** Auth0's legacy `POST /delegation`, with the same client authentication and audit. */
  delegate(
    params: OAuthParams,
    authorization: string | undefined,
    context: EventContext,
  ): Promise<DelegationResponse> {
    return this.audited(JWT_BEARER_GRANT, params, authorization, context, (client, context) =>
      this.delegation.delegate(client, params, context),
    );
  }

  /** Authenticates the client, runs `work`, and records a refusal on the audit stream. */
  private async audited<T>(
    grantType: string | undefined,
    params: OAuthParams,
    authorization: string | undefined,
    context: EventContext,
    work: (client: ClientEntity, context: EventContext) => Promise<T>,
  ): Promise<T> {
    try {
      const { client } = await this.authenticator.authenticate(authorization, params);
      const entity = await this.lookup.client(client.client_id);
      if (!entity) throw new InvalidClientError();
      const answer = await work(entity, context);
      this.counted.issued(grantType);
      return answer;
    } catch (error) {
      this.counted.refused(grantType, error);
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
        refuseThirdPartyPasswordGrant(client, grantType);
        return this.password.exchange(client, grantType, params, context);
      case 'refresh_token':
        return this.refreshToken.exchange(client, params, context);
      case 'authorization_code':
        return this.authorizationCode.exchange(client, params, context);
      case TOKEN_EXCHANGE_GRANT:
        return this.tokenExchange.exchange(client, params, context);
      default:
        throw new UnsupportedGrantTypeError();
    }
  }
}
