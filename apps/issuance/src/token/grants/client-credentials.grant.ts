import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { AccessDeniedError, UnauthorizedClientError, type OAuthParams, printable } from '@app/oauth';
import { Outbox } from '@app/outbox';
import type { ClientEntity } from '../../clients/client.entity';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import { AccessTokenMinter, jwtIssuedEvent, type AccessTokenRequest } from '../access-token.minter';
import { grantedScope } from '../client-grant-scope';
import type { TokenResponse } from '../token-response';

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4) with Auth0's rules: an `audience` is required, the
 * client needs a client grant for it, and requested scopes must be within the grant.
 */
@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly minter: AccessTokenMinter,
    private readonly outbox: Outbox,
  ) {}

  async exchange(client: ClientEntity, params: OAuthParams, context: EventContext): Promise<TokenResponse> {
    if (!client.grantTypes.includes('client_credentials')) {
      throw new UnauthorizedClientError(`Grant type 'client_credentials' not allowed for the client.`);
    }
    const audience = params.get('audience') ?? params.get('resource');
    if (audience === undefined) {
      throw new AccessDeniedError(
        'No audience parameter was provided, and no default audience has been configured',
      );
    }
    const api = await this.lookup.resourceServer(audience);
    if (!api) throw new AccessDeniedError(`Service not found: ${printable(audience, 200)}`);
    const grant = await this.lookup.clientGrant(client.clientId, audience);
    if (!grant) {
      throw new AccessDeniedError(
        `Client is not authorized to access "${printable(audience, 200)}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
      );
    }
    const scope = grantedScope(params.get('scope'), grant.scope);

    const request: AccessTokenRequest = {
      clientId: client.clientId,
      sub: `${client.clientId}@clients`,
      audience: [audience],
      scope,
      gty: 'client-credentials',
      alg: api.signingAlg,
      dialect: api.tokenDialect,
      lifetimeSeconds: api.tokenLifetime,
    };
    const minted = await this.minter.mint(request);
    // A client-credentials token is its own grant: revoking the grant revokes exactly this token.
    const grantId = `gr_${minted.jti}`;
    await this.outbox.emit([
      jwtIssuedEvent(
        request,
        minted,
        { grantId, grantType: 'client_credentials', logType: 'seccft' },
        context,
      ),
    ]);
    return {
      access_token: minted.token,
      token_type: 'Bearer',
      expires_in: minted.expiresAt - minted.issuedAt,
      ...(scope ? { scope } : {}),
    };
  }
}
