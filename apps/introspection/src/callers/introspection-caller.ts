import { Inject, Injectable } from '@nestjs/common';
import { managementAudience } from '@app/contracts';
import { AccessTokenVerifier, revocableTokenOf, RevocationList, TokenStateGate } from '@app/jwt';
import { ClientAuthenticator, InvalidClientError, type OAuthParams } from '@app/oauth';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from '../config/introspection.config';
import { bearerTokenOf, InsufficientScopeError, InvalidTokenError } from './bearer-errors';

/** The Management API scope that lets a token introspect every token (README "Who may introspect what"). */
export const INTROSPECTION_SCOPE = 'read:token_introspection';

/** Who is asking: an authenticated confidential client, or the bearer of a Management API token. */
export type IntrospectionCaller =
  | { readonly kind: 'client'; readonly clientId: string }
  | { readonly kind: 'management'; readonly clientId: string | undefined };

/**
 * Authenticates the caller of `/oauth/introspect` (RFC 7662 §2.1: the endpoint MUST require
 * authorization). Either client authentication — Basic or body, confidential clients only: a public
 * client proves nothing about who it is (RFC 7662 §4) — or a Management API token (`aud`
 * `{issuer}api/v2/`, scope `read:token_introspection`), verified and revocation-checked like any token.
 */
@Injectable()
export class IntrospectionCallerAuthenticator {
  private readonly managementAudience: string;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: RevocationList,
    private readonly tokenState: TokenStateGate,
    @Inject(INTROSPECTION_CONFIG) config: IntrospectionConfig,
  ) {
    this.managementAudience = managementAudience(config.TESSERA_ISSUER);
  }

  async authenticate(authorization: string | undefined, params: OAuthParams): Promise<IntrospectionCaller> {
    // Callers are known from the clients topic and Management tokens are checked against the
    // revocations: neither can be judged before those streams are current (fail closed, review #5).
    this.tokenState.assertOpen();
    if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
      return this.authenticateManagementToken(authorization, params);
    }
    const { client, method } = await this.clients.authenticate(authorization, params);
    if (method === 'none') throw new InvalidClientError();
    return { kind: 'client', clientId: client.client_id };
  }

  private async authenticateManagementToken(
    authorization: string,
    params: OAuthParams,
  ): Promise<IntrospectionCaller> {
    // RFC 6749 §2.3: one way of authenticating per request.
    if (params.has('client_secret') || params.has('client_assertion')) throw new InvalidClientError();
    const token = bearerTokenOf(authorization);
    const verified = token ? await this.verifier.verify(token) : null;
    if (!verified) throw new InvalidTokenError();
    const { aud, scope } = verified.claims;
    const revocable = revocableTokenOf(verified);
    if (this.revocations.isRevoked(revocable)) throw new InvalidTokenError();
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!audiences.includes(this.managementAudience)) throw new InvalidTokenError();
    const scopes = typeof scope === 'string' ? scope.split(' ') : [];
    if (!scopes.includes(INTROSPECTION_SCOPE)) throw new InsufficientScopeError(INTROSPECTION_SCOPE);
    return { kind: 'management', clientId: revocable.clientId };
  }
}
