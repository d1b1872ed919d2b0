import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authorizationCodeReused, managementAudience, TOPICS, type EventContext } from '@app/contracts';
import { InvalidGrantError, UnauthorizedClientError, type OAuthParams } from '@app/oauth';
import { Outbox } from '@app/outbox';
import type { ClientEntity } from '../../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../../config/issuance.config';
import {
  AuthorizationCodesRepository,
  type AuthorizationCode,
} from '../../login/authorization-codes.repository';
import { ConfigurationLookup } from '../../lookup/configuration-lookup';
import { bareSnapshot, UserProfilesRepository } from '../../users/user-profiles.repository';
import { granted, GrantFamilies, refused, settle, type Decision } from '../grant-families';
import { OpaqueTokenStore } from '../opaque-token.store';
import type { TokenResponse } from '../token-response';
import { UserTokenIssuer } from '../user-token.issuer';
import { grantedUserScopes } from '../user-scopes';

const invalidCode = () => new InvalidGrantError('Invalid authorization code');

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, PKCE RFC 7636): the code is single-use and
 * short-lived, bound to its client and redirect URI, and to the PKCE challenge when one was sent (a
 * public client must send one). A second use of a code revokes everything the first one issued.
 */
@Injectable()
export class AuthorizationCodeGrant {
  constructor(
    private readonly codes: AuthorizationCodesRepository,
    private readonly lookup: ConfigurationLookup,
    private readonly profiles: UserProfilesRepository,
    private readonly families: GrantFamilies,
    private readonly issuer: UserTokenIssuer,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
    private readonly outbox: Outbox,
  ) {}

  async exchange(client: ClientEntity, params: OAuthParams, context: EventContext): Promise<TokenResponse> {
    if (!client.grantTypes.includes('authorization_code')) {
      throw new UnauthorizedClientError(`Grant type 'authorization_code' not allowed for the client.`);
    }
    const presented = params.require('code');
    const redirectUri = params.get('redirect_uri');
    const verifier = params.get('code_verifier');
    const code = settle(await this.redeem(client, presented, { redirectUri, verifier }, context));

    const api = code.audience === null ? null : await this.lookup.resourceServer(code.audience);
    if (code.audience !== null && !api) throw invalidCode();
    const found = await this.profiles.lookup(code.userId);
    // A code obtained before the user was deleted or blocked gives nothing (review #2).
    if (found.kind === 'deleted' || (found.kind === 'found' && found.user.blocked)) throw invalidCode();
    const user = found.kind === 'found' ? found.user : bareSnapshot(code.userId);
    return this.issuer.issueForNewGrant(
      {
        client,
        user,
        api,
        scopes: grantedUserScopes(code.scope, {
          api,
          clientMayRefresh: client.grantTypes.includes('refresh_token'),
          managementAudience: managementAudience(this.config.TESSERA_ISSUER),
        }),
        grantType: 'authorization_code',
        grantId: code.grantId,
        logType: 'seacft',
        sessionId: code.sessionId,
        authTime: code.authTime,
        ...(code.nonce !== null ? { nonce: code.nonce } : {}),
      },
      context,
    );
  }

  /**
   * Marks the code used in its own transaction, committed before any token is minted: a concurrent
   * second exchange waits on the row lock and then sees it used. A reused code's grant dies here.
   * The redirect URI and the PKCE verifier are checked before the code is marked used (review #21):
   * someone who holds a stolen code but not its verifier cannot burn it for the legitimate client.
   */
  private redeem(
    client: ClientEntity,
    presented: string,
    binding: CodeBinding,
    context: EventContext,
  ): Promise<Decision<AuthorizationCode>> {
    return this.outbox.transaction<Decision<AuthorizationCode>>(async (manager) => {
      const refuse = (error: Error) => ({ result: refused<AuthorizationCode>(error), events: [] });
      if (presented.length > 256) return refuse(invalidCode());
      const code = await this.codes.lock(manager, OpaqueTokenStore.hashOf(presented));
      const now = Math.floor(Date.now() / 1000);
      if (!code || code.clientId !== client.clientId) return refuse(invalidCode());
      if (code.usedAt !== null) {
        await this.families.kill(manager, code.grantId, now);
        const event = authorizationCodeReused.create(
          {
            grant_id: code.grantId,
            client_id: code.clientId,
            sub: code.userId,
            detected_at: now,
            log_type: 'feacft',
          },
          context,
        );
        return {
          result: refused<AuthorizationCode>(invalidCode()),
          events: [{ topic: TOPICS.tokensIssued.name, key: code.grantId, event }],
        };
      }
      if (code.expiresAt <= now) return refuse(invalidCode());
      const mismatch = bindingMismatch(code, binding);
      if (mismatch) return refuse(mismatch);
      await this.codes.markUsed(manager, code.codeHash, now);
      return { result: granted(code), events: [] };
    });
  }
}

/** What the token request says the code is bound to: its redirect URI and PKCE verifier. */
interface CodeBinding {
  readonly redirectUri: string | undefined;
  readonly verifier: string | undefined;
}

/** Why the request does not match the code's binding, if it does not. */
function bindingMismatch(code: AuthorizationCode, binding: CodeBinding): InvalidGrantError | null {
  // RFC 6749 §4.1.3: the same redirect_uri as at /authorize (we always require one there).
  if (binding.redirectUri !== code.redirectUri) return new InvalidGrantError('Invalid redirect_uri');
  if (code.codeChallenge === null && binding.verifier === undefined) return null;
  if (
    binding.verifier === undefined ||
    code.codeChallenge === null ||
    !pkceMatches(binding.verifier, code.codeChallenge)
  ) {
    return new InvalidGrantError('Failed to verify code verifier');
  }
  return null;
}

/** RFC 7636 §4.6 with S256 (the only method /authorize accepts), compared in constant time. */
function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
