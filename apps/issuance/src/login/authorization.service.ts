import { Inject, Injectable } from '@nestjs/common';
import type { EventContext, RequestOrigin, UserSnapshot } from '@app/contracts';
import { OAuthError, TemporarilyUnavailableError, type OAuthParams } from '@app/oauth';
import { LoginStartBinding, randomToken, sha256Hex } from '@app/secrets';
import { AccountLinkingClient } from '../accounts/account-linking.client';
import { DATABASE_CONNECTION } from '../accounts/database-connection';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { ConfigurationLookup } from '../lookup/configuration-lookup';
import { UserProfilesRepository } from '../users/user-profiles.repository';
import { AuthorizationCodesRepository } from './authorization-codes.repository';
import {
  parseAuthorizeRequest,
  RedirectableAuthorizeError,
  redirectWith,
  UntrustedAuthorizeError,
  type AuthorizeRequest,
} from './authorize-request';
import {
  AuthorizeTransactionsRepository,
  type AuthorizeTransaction,
} from './authorize-transactions.repository';
import { ConsentService } from './consent/consent.service';
import { cookie, CSRF_COOKIE, readCookie } from './cookies';
import { renderErrorPage, renderLoginPage } from './login-page';
import type { LoginSession } from './login-sessions.repository';
import { LoginSessionsService } from './login-sessions.service';

const TRANSACTION_LIFETIME_SECONDS = 600;
/** RFC 6749 §4.1.2 recommends at most 10 minutes; a code is exchanged within seconds. */
const CODE_LIFETIME_SECONDS = 300;

export type AuthorizeOutcome =
  | { readonly kind: 'redirect'; readonly location: string; readonly cookies: string[] }
  | {
      readonly kind: 'page';
      readonly status: number;
      readonly html: string;
      readonly cookies: string[];
      /** More response headers, e.g. `Retry-After` on a 503. */
      readonly headers?: Readonly<Record<string, string>>;
    };

const redirect = (location: string, cookies: string[] = []): AuthorizeOutcome => ({
  kind: 'redirect',
  location,
  cookies,
});
const page = (
  status: number,
  html: string,
  cookies: string[] = [],
  headers?: Readonly<Record<string, string>>,
): AuthorizeOutcome => ({
  kind: 'page',
  status,
  html,
  cookies,
  ...(headers ? { headers } : {}),
});
const errorPage = (status: number, message: string) => page(status, renderErrorPage(message));
const EXPIRED = 'This login has expired or was already used. Go back to the application and sign in again.';

/** Who is asking, for the session record. */
export interface BrowserContext {
  readonly cookieHeader: string | undefined;
  readonly correlationId: string;
  /** Where the browser is (bounded address and user agent), for the session's `device`. */
  readonly origin: RequestOrigin;
}

/**
 * The browser side of the authorization-code flow: `/authorize`, the hosted login page, the return
 * from an upstream provider, login sessions and codes. A logged-in browser (session cookie) gets its
 * code at once; otherwise the request waits in a transaction bound to the browser by a CSRF cookie.
 */
@Injectable()
export class AuthorizationService {
  private readonly secureCookies: boolean;

  constructor(
    private readonly lookup: ConfigurationLookup,
    private readonly transactions: AuthorizeTransactionsRepository,
    private readonly sessions: LoginSessionsService,
    private readonly codes: AuthorizationCodesRepository,
    private readonly accounts: AccountLinkingClient,
    private readonly profiles: UserProfilesRepository,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
    private readonly consent: ConsentService,
  ) {
    this.secureCookies = config.TESSERA_ISSUER.startsWith('https:');
  }

  /** `GET /authorize`. */
  async authorize(
    query: Readonly<Record<string, unknown>>,
    browser: BrowserContext,
  ): Promise<AuthorizeOutcome> {
    const clientId =
      typeof query.client_id === 'string' && query.client_id.length <= 128 ? query.client_id : undefined;
    const client = clientId === undefined ? null : await this.lookup.client(clientId);
    let request: AuthorizeRequest;
    try {
      request = parseAuthorizeRequest(query, () => client).request;
    } catch (error) {
      if (error instanceof UntrustedAuthorizeError) return errorPage(400, error.message);
      if (error instanceof RedirectableAuthorizeError) {
        return redirect(this.errorRedirect(query, error.error, error.description));
      }
      throw error;
    }
    if (request.audience !== undefined && !(await this.lookup.resourceServer(request.audience))) {
      return redirect(
        redirectWith(request.redirectUri, {
          error: 'access_denied',
          error_description: `Service not found: ${request.audience.slice(0, 200)}`,
          state: request.state,
        }),
      );
    }

    const now = Math.floor(Date.now() / 1000);
    const browserSession = await this.sessions.recognise(browser.cookieHeader, now);
    if (browserSession && this.sessionSatisfies(browserSession.session, request, now)) {
      const { session, revoked } = browserSession;
      if (await this.isBlocked(session.userId)) {
        // Auth0's answer to a blocked user's SSO (review #2), also once the block revoked the session.
        return redirect(
          redirectWith(request.redirectUri, {
            error: 'access_denied',
            error_description: 'user is blocked',
            state: request.state,
          }),
        );
      }
      if (!revoked) return redirect(await this.issueCode(request, session, now));
    }
    if (request.prompt === 'none') {
      return redirect(
        redirectWith(request.redirectUri, {
          error: 'login_required',
          error_description: 'Login required',
          state: request.state,
        }),
      );
    }

    // One CSRF token per browser, reused across its transactions (two tabs may log in at once).
    const csrf = readCookie(browser.cookieHeader, CSRF_COOKIE) ?? randomToken(32);
    const transaction: AuthorizeTransaction = {
      id: randomToken(16),
      request,
      csrfDigest: sha256Hex(csrf),
      expiresAt: now + TRANSACTION_LIFETIME_SECONDS,
    };
    await this.transactions.insert(transaction);
    const cookies = [cookie(CSRF_COOKIE, csrf, TRANSACTION_LIFETIME_SECONDS, this.secureCookies)];
    const issuer = this.config.TESSERA_ISSUER;
    if (request.connection !== undefined && request.connection !== DATABASE_CONNECTION) {
      // Upstream login (OIDC connection): account-linking owns the connection and its secret.
      const start = new URL('login/start', issuer);
      start.searchParams.set('connection', request.connection);
      start.searchParams.set('transaction', transaction.id);
      // Signed, so account-linking serves only the /login/start of a real transaction (review #17).
      const binding = {
        transaction: transaction.id,
        connection: request.connection,
        clientId: request.clientId,
        expiresAt: transaction.expiresAt,
      };
      start.searchParams.set('client_id', binding.clientId);
      start.searchParams.set('expires', String(binding.expiresAt));
      start.searchParams.set(
        'binding',
        LoginStartBinding.fromEncryptionKey(this.config.TESSERA_ENCRYPTION_KEY).sign(binding),
      );
      return redirect(start.toString(), cookies);
    }
    const login = new URL('u/login', issuer);
    login.searchParams.set('state', transaction.id);
    return redirect(login.toString(), cookies);
  }

  /** `GET /u/login?state=…`: the login form of a pending transaction. */
  async showLogin(transactionId: string | undefined, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const found = await this.browserTransaction(transactionId, browser);
    if (!found) return errorPage(400, EXPIRED);
    const client = await this.lookup.client(found.transaction.request.clientId);
    return page(
      200,
      renderLoginPage({
        clientName: client?.name ?? 'the application',
        transactionId: found.transaction.id,
        csrf: found.csrf,
      }),
    );
  }

  /** `POST /u/login`: checks the password with account-linking, then logs the browser in. */
  async submitLogin(params: OAuthParams, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const found = await this.browserTransaction(params.get('state'), browser);
    if (!found || params.get('csrf') !== found.csrf) return errorPage(403, EXPIRED);
    const { transaction, csrf } = found;
    const client = await this.lookup.client(transaction.request.clientId);
    const retry = (status: number, error: string, username?: string, headers?: Record<string, string>) =>
      page(
        status,
        renderLoginPage({
          clientName: client?.name ?? 'the application',
          transactionId: transaction.id,
          csrf,
          error,
          ...(username !== undefined ? { username: username.slice(0, 320) } : {}),
        }),
        [],
        headers,
      );
    const username = params.get('username');
    const password = params.get('password');
    if (username === undefined || password === undefined)
      return retry(400, 'Enter your email and password.', username);
    let user: UserSnapshot;
    try {
      user = await this.accounts.verifyPassword({
        connection: DATABASE_CONNECTION,
        username,
        password,
        clientId: transaction.request.clientId,
        ...(browser.origin.ip !== undefined ? { ip: browser.origin.ip } : {}),
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      if (error.error === 'invalid_grant') return retry(400, 'Wrong email or password.', username);
      if (error.error === 'unauthorized') return retry(403, 'This account is blocked.', username);
      if (error.error === 'unauthorized_client') {
        return retry(403, 'This sign-in method is not enabled for the application.', username);
      }
      // Brute-force protection or suspicious-IP throttling (account-linking's words, Auth0's).
      if (error.error === 'too_many_attempts') return retry(429, error.description, username);
      // 503 (account-linking busy or down) keeps its Retry-After, as /oauth/token does.
      if (error.status >= 500)
        return retry(
          503,
          'We could not sign you in right now. Please try again in a few seconds.',
          username,
          error instanceof TemporarilyUnavailableError ? { ...error.headers } : { 'retry-after': '1' },
        );
      return retry(400, 'We could not sign you in right now. Please try again.', username);
    }
    return this.logIn(user, DATABASE_CONNECTION, transaction, browser);
  }

  /** `GET /authorize/resume`: back from an upstream provider, with account-linking's login ticket. */
  async resume(query: Readonly<Record<string, unknown>>, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const transactionId = typeof query.transaction === 'string' ? query.transaction : undefined;
    const ticket = typeof query.login_ticket === 'string' ? query.login_ticket : undefined;
    const found = await this.browserTransaction(transactionId, browser);
    if (!found || ticket === undefined || ticket.length > 256) return errorPage(400, EXPIRED);
    let user: UserSnapshot;
    try {
      user = await this.accounts.redeemLoginTicket(ticket, found.transaction.id);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      if (error.error === 'unauthorized') return errorPage(403, 'This account is blocked.');
      return errorPage(error.status >= 500 ? 503 : 400, EXPIRED);
    }
    const connection = found.transaction.request.connection ?? DATABASE_CONNECTION;
    return this.logIn(user, connection, found.transaction, browser);
  }

  /** `GET /u/consent?state=…`: what a third-party client asks of the logged-in user. */
  async showConsent(promptId: string | undefined, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const session = await this.sessions.current(browser.cookieHeader, Math.floor(Date.now() / 1000));
    const shown = await this.consent.page(promptId, session);
    return page(shown.status, shown.html);
  }

  /** `POST /u/consent`: the user's answer; once consented, the request gets its code. */
  async submitConsent(params: OAuthParams, browser: BrowserContext): Promise<AuthorizeOutcome> {
    const now = Math.floor(Date.now() / 1000);
    const session = await this.sessions.current(browser.cookieHeader, now);
    const context: EventContext = { correlationId: browser.correlationId, origin: browser.origin };
    const answer = await this.consent.answer(params, session, context);
    if (answer.kind === 'page') return page(answer.status, answer.html);
    if (answer.kind === 'redirect') return redirect(answer.location);
    return redirect(await this.issueCode(answer.request, answer.session, now));
  }

  /** Starts a login session (cookie + `login_session.started`) and answers the transaction with a code. */
  private async logIn(
    user: UserSnapshot,
    connection: string,
    transaction: AuthorizeTransaction,
    browser: BrowserContext,
  ): Promise<AuthorizeOutcome> {
    const now = Math.floor(Date.now() / 1000);
    // The login just read the user's current profile: the ID token must not wait for its event.
    await this.profiles.apply(user, false);
    const { session, setCookie } = await this.sessions.start(
      {
        userId: user.user_id,
        connection,
        clientId: transaction.request.clientId,
        cookieHeader: browser.cookieHeader,
        context: { correlationId: browser.correlationId, origin: browser.origin },
      },
      now,
    );
    const location = await this.issueCode(transaction.request, session, now);
    await this.transactions.delete(transaction.id);
    return redirect(location, [setCookie]);
  }

  private async issueCode(request: AuthorizeRequest, session: LoginSession, now: number): Promise<string> {
    // A third-party client needs the user's consent first: the consent page, or consent_required.
    const consentPrompt = await this.consent.promptIfNeeded(request, session, now);
    if (consentPrompt !== null) return consentPrompt;
    const code = randomToken(32);
    await this.codes.insert({
      codeHash: sha256Hex(code),
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      userId: session.userId,
      scope: request.scope,
      audience: request.audience ?? null,
      nonce: request.nonce ?? null,
      codeChallenge: request.codeChallenge ?? null,
      sessionId: session.id,
      authTime: session.authenticatedAt,
      grantId: `gr_${randomToken(16)}`,
      expiresAt: now + CODE_LIFETIME_SECONDS,
      usedAt: null,
    });
    await this.sessions.renewIdle(session, now);
    return redirectWith(request.redirectUri, { code, state: request.state });
  }

  /** From issuance's projection of account-linking's users, which a block reaches within milliseconds. */
  private async isBlocked(userId: string): Promise<boolean> {
    const found = await this.profiles.lookup(userId);
    return found.kind === 'found' && found.user.blocked;
  }

  /** OIDC: `prompt=login` and an exceeded `max_age` force a new login; so does another connection. */
  private sessionSatisfies(session: LoginSession, request: AuthorizeRequest, now: number): boolean {
    if (request.prompt === 'login') return false;
    if (request.maxAge !== undefined && now - session.authenticatedAt > request.maxAge) return false;
    return request.connection === undefined || request.connection === session.connection;
  }

  /** The pending transaction, if this browser started it (its CSRF cookie matches). */
  private async browserTransaction(
    transactionId: string | undefined,
    browser: BrowserContext,
  ): Promise<{ transaction: AuthorizeTransaction; csrf: string } | null> {
    if (transactionId === undefined) return null;
    const transaction = await this.transactions.find(transactionId, Math.floor(Date.now() / 1000));
    const csrf = readCookie(browser.cookieHeader, CSRF_COOKIE);
    if (!transaction || csrf === undefined || sha256Hex(csrf) !== transaction.csrfDigest) return null;
    return { transaction, csrf };
  }

  /** A redirectable error before the request was fully parsed: client and redirect URI were checked. */
  private errorRedirect(
    query: Readonly<Record<string, unknown>>,
    error: string,
    description: string,
  ): string {
    const state = typeof query.state === 'string' ? query.state : undefined;
    return redirectWith(query.redirect_uri as string, { error, error_description: description, state });
  }
}
