import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { loginSessionEnded, originFields, TOPICS, type EventContext } from '@app/contracts';
import { Outbox } from '@app/outbox';
import type { ClientEntity } from '../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { cookie, readCookie, SESSION_COOKIE } from '../login/cookies';
import { LoginSessionsRepository, type LoginSession } from '../login/login-sessions.repository';
import { LoginSessionsService } from '../login/login-sessions.service';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { RefreshTokensRepository } from '../token/refresh-tokens/refresh-tokens.repository';
import { IdTokenHintVerifier } from './id-token-hint.verifier';
import { renderLoggedOutPage, renderLogoutConfirmation, renderLogoutErrorPage } from './logout-page';
import { param, type LogoutParams } from './logout-params';

export interface LogoutBrowser {
  readonly cookieHeader: string | undefined;
  readonly context: EventContext;
}

export type LogoutOutcome =
  | { kind: 'redirect'; location: string; cookies: string[] }
  | { kind: 'page'; status: number; html: string; cookies: string[] };

/** The parameters each endpoint knows; `ui_locales` and `federated` are accepted and change nothing. */
export const OIDC_LOGOUT_PARAMETERS = [
  'id_token_hint',
  'post_logout_redirect_uri',
  'state',
  'client_id',
  'logout_hint',
  'ui_locales',
  'federated',
  'confirm',
] as const;

/**
 * Logout (issue #16 §2): Auth0's `GET /v2/logout` and OIDC RP-Initiated Logout 1.0's `/oidc/logout`.
 * Every check runs before anything ends: a refused request logs nobody out and redirects nowhere; the
 * browser is only ever sent to one of the client's registered Allowed Logout URLs, matched exactly.
 * Ending the session is issuance's (the cookie names it); revoking it, and telling subscribers, is
 * the revocation service's, from the `login_session.ended` written in the same transaction.
 */
@Injectable()
export class LogoutService {
  private readonly secureCookies: boolean;

  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly sessions: LoginSessionsService,
    private readonly sessionRows: LoginSessionsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly hints: IdTokenHintVerifier,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    this.secureCookies = config.TESSERA_ISSUER.startsWith('https:');
  }

  /**
   * Auth0 `GET /v2/logout?client_id&returnTo&federated`: `returnTo` must be one of the client's
   * Allowed Logout URLs; without `returnTo` the client's first one, else the logged-out page. Without
   * `client_id` Auth0 would check the tenant's list, which Tessera does not have: a `returnTo` then
   * is refused. `federated` is accepted and ignored (upstream providers are not logged out). As at
   * Auth0, a plain GET logs out (no confirmation: SDKs navigate here directly).
   */
  async auth0Logout(params: LogoutParams, browser: LogoutBrowser): Promise<LogoutOutcome> {
    const clientId = param(params, 'client_id');
    const returnTo = param(params, 'returnTo');
    const client = clientId !== undefined ? await this.client(clientId) : null;
    if (clientId !== undefined && !client) return refused('Unknown client_id.');
    let destination: string | undefined;
    if (returnTo !== undefined) {
      if (!client) return refused('returnTo needs a client_id whose Allowed Logout URLs list it.');
      if (!client.allowedLogoutUrls.includes(returnTo))
        return refused(
          'The "returnTo" querystring parameter is not defined as a valid URL in "Allowed Logout URLs".',
        );
      destination = returnTo;
    } else {
      destination = client?.allowedLogoutUrls[0];
    }
    const session = await this.sessions.current(browser.cookieHeader, now());
    if (session) await this.end(session, client, browser.context);
    return this.leave(destination, undefined);
  }

  /**
   * OIDC RP-Initiated Logout 1.0 (`GET`/`POST /oidc/logout`). `id_token_hint` must be an ID token we
   * signed (it may be expired); `client_id`, when both are given, must be its audience;
   * `logout_hint` must be the session's `sid`; `post_logout_redirect_uri` needs a client and must be
   * one of its Allowed Logout URLs exactly, and gets `state` back. A request that proves neither
   * which session it means (a valid hint naming it) nor comes from the confirmation form is asked to
   * confirm first (CSRF: a foreign page cannot log the user out). With no session there is nothing
   * to end: the browser goes straight on.
   */
  async oidcLogout(params: LogoutParams, browser: LogoutBrowser): Promise<LogoutOutcome> {
    const idTokenHint = param(params, 'id_token_hint');
    const logoutHint = param(params, 'logout_hint');
    const postLogoutRedirectUri = param(params, 'post_logout_redirect_uri');
    const state = param(params, 'state');
    let clientId = param(params, 'client_id');

    const hint = idTokenHint !== undefined ? await this.hints.verify(idTokenHint) : null;
    if (idTokenHint !== undefined && !hint)
      return refused('The id_token_hint is not a valid ID token of this issuer.');
    if (hint) {
      if (clientId !== undefined && clientId !== hint.clientId)
        return refused('client_id does not match the audience of the id_token_hint.');
      clientId = hint.clientId;
      if (logoutHint !== undefined && hint.sid !== undefined && logoutHint !== hint.sid)
        return refused('logout_hint does not match the sid of the id_token_hint.');
    }
    const client = clientId !== undefined ? await this.client(clientId) : null;
    if (clientId !== undefined && !client) return refused('Unknown client_id.');
    if (postLogoutRedirectUri !== undefined) {
      if (!client) return refused('post_logout_redirect_uri needs an id_token_hint or a client_id.');
      if (!client.allowedLogoutUrls.includes(postLogoutRedirectUri))
        return refused("post_logout_redirect_uri is not one of the client's Allowed Logout URLs.");
    }

    const session = await this.sessions.current(browser.cookieHeader, now());
    if (!session) return this.leave(postLogoutRedirectUri, state);
    // The hints must name this browser's session (Auth0 refuses discrepancies rather than guess).
    if (hint && (hint.sub !== session.userId || (hint.sid !== undefined && hint.sid !== session.id)))
      return refused("The id_token_hint does not belong to this browser's session.");
    if (logoutHint !== undefined && logoutHint !== session.id)
      return refused("logout_hint does not match this browser's session.");

    const expected = this.confirmation(browser.cookieHeader);
    const confirmed = sameSecret(param(params, 'confirm'), expected);
    if (!hint && logoutHint === undefined && !confirmed) {
      return {
        kind: 'page',
        status: 200,
        cookies: [],
        html: renderLogoutConfirmation({
          confirm: expected ?? '',
          ...(clientId !== undefined ? { clientId } : {}),
          ...(postLogoutRedirectUri !== undefined ? { postLogoutRedirectUri } : {}),
          ...(state !== undefined ? { state } : {}),
        }),
      };
    }
    await this.end(session, client, browser.context);
    return this.leave(postLogoutRedirectUri, state);
  }

  /**
   * Ends the session and writes `login_session.ended` in one transaction. When the asking client's
   * `logout_revokes_refresh_tokens` is on, the session's refresh tokens end here too (issuance's own
   * rows, at once), and the revocation service revokes the session's grants with their access tokens.
   */
  private async end(
    session: LoginSession,
    client: ClientEntity | null,
    context: EventContext,
  ): Promise<void> {
    const at = now();
    const revokeGrants = client?.logoutRevokesRefreshTokens ?? false;
    await this.outbox.transaction(async (manager) => {
      await this.sessionRows.revoke(manager, session.id, at);
      if (revokeGrants) await this.refreshTokens.revokeSession(manager, session.id, at);
      const event = loginSessionEnded.create(
        {
          session_id: session.id,
          user_id: session.userId,
          ...(client ? { client_id: client.clientId } : {}),
          revoke_grants: revokeGrants,
          ended_at: at,
          ...originFields(context.origin),
          log_type: 'slo',
        },
        context,
      );
      return { result: undefined, events: [{ topic: TOPICS.tokensIssued.name, key: session.id, event }] };
    });
  }

  /** The cookie is cleared whatever happened: a logout never leaves a session cookie behind. */
  private leave(destination: string | undefined, state: string | undefined): LogoutOutcome {
    const cookies = [cookie(SESSION_COOKIE, '', 0, this.secureCookies)];
    if (destination === undefined) return { kind: 'page', status: 200, html: renderLoggedOutPage(), cookies };
    const url = new URL(destination);
    if (state !== undefined) url.searchParams.append('state', state);
    return { kind: 'redirect', location: url.href, cookies };
  }

  /** A value only the browser holding the cookie can produce: SHA-256 of a label and its secret. */
  private confirmation(cookieHeader: string | undefined): string | undefined {
    const secret = readCookie(cookieHeader, SESSION_COOKIE);
    if (secret === undefined) return undefined;
    return createHash('sha256').update(`tessera-logout-confirmation:${secret}`).digest('base64url');
  }

  private async client(clientId: string): Promise<ClientEntity | null> {
    return clientId.length <= 256 ? this.lookup.client(clientId) : null;
  }
}

function refused(message: string): LogoutOutcome {
  return { kind: 'page', status: 400, html: renderLogoutErrorPage(message), cookies: [] };
}

function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (given === undefined || expected === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
