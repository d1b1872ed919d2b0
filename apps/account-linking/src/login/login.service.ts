import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { LoginStartBinding, SecretBox, sha256Hex } from '@app/secrets';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from '../config/account-linking.config';
import { CONNECTION_SECRET_BOX, ConnectionsService, servesClient } from '../connections/connections.service';
import { UpstreamOidcClient } from '../upstream/upstream-oidc.client';
import { UpstreamError, type UpstreamProvider } from '../upstream/upstream-provider';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginError } from './login-error';
import { LoginTicketsRepository } from './login-tickets.repository';
import { UpstreamAccountsService } from './upstream-accounts.service';
import { upstreamProfileOf } from './upstream-profile';

/** How long the browser has at the upstream provider before the attempt is forgotten. */
const ATTEMPT_TTL_MS = 10 * 60_000;
/** Issuance redeems the ticket right after the redirect; a minute covers a slow browser. */
const TICKET_TTL_MS = 60_000;
/** OIDC Core §2: `sub` is at most 255 ASCII characters; ours must also fit a user id. */
const SUBJECT = /^[\x21-\x7e]{1,255}$/;

export interface CallbackParameters {
  readonly state?: string;
  readonly code?: string;
  readonly error?: string;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * Upstream login through an `oidc` connection (issue #6 §3): `/login/start` sends the browser to the
 * provider with the authorization code flow, PKCE S256, state and nonce; `/login/callback` finishes
 * it, resolves or creates the user, and hands issuance a single-use login ticket through the browser
 * (`{issuer}authorize/resume?transaction=…&login_ticket=…`).
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);
  private readonly redirectUri: string;
  private readonly startBinding: LoginStartBinding;

  constructor(
    private readonly connections: ConnectionsService,
    private readonly upstream: UpstreamOidcClient,
    private readonly attempts: LoginAttemptsRepository,
    private readonly tickets: LoginTicketsRepository,
    private readonly accounts: UpstreamAccountsService,
    @Inject(CONNECTION_SECRET_BOX) private readonly box: SecretBox,
    @Inject(ACCOUNT_LINKING_CONFIG) private readonly config: AccountLinkingConfig,
  ) {
    this.redirectUri = `${config.TESSERA_ISSUER}login/callback`;
    this.startBinding = LoginStartBinding.fromEncryptionKey(config.TESSERA_ENCRYPTION_KEY);
  }

  /** The URL of the upstream authorization endpoint to send the browser to. */
  async start(
    connectionName: string,
    transactionId: string,
    link: { readonly clientId: string; readonly expiresAt: number; readonly binding: string },
  ): Promise<string> {
    // Review #17: only a link issuance's /authorize signed, checked before any row or upstream request.
    const fields = {
      transaction: transactionId,
      connection: connectionName,
      clientId: link.clientId,
      expiresAt: link.expiresAt,
    };
    if (!this.startBinding.verify(fields, link.binding)) {
      throw new LoginError('This sign-in link is not valid or has expired');
    }
    const provider = await this.provider(connectionName, link.clientId);
    const discovery = await this.upstreamCall(() => this.upstream.discover(provider));
    const state = random(32);
    const nonce = random(32);
    const codeVerifier = random(32);
    const stateHash = sha256Hex(state);
    await this.attempts.insert({
      stateHash,
      connection: provider.connection,
      transactionId,
      nonce,
      codeVerifierSealed: this.box.encrypt(codeVerifier, `login-attempt:${stateHash}`),
      expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS),
    });
    const url = new URL(discovery.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', provider.clientId);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('scope', provider.scopes);
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    // RFC 7636 §4.2: S256, never plain.
    url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /** The URL to send the browser back to issuance with, after a successful upstream login. */
  async callback(parameters: CallbackParameters, context: EventContext): Promise<string> {
    if (parameters.state === undefined) throw new LoginError('The identity provider sent no state');
    // The attempt is consumed first, so an error answer or a replayed callback ends it for good.
    const attempt = await this.attempts.take(sha256Hex(parameters.state));
    if (!attempt) throw new LoginError('This login attempt is unknown, was already used or has expired');
    if (parameters.error !== undefined) {
      throw new LoginError(`The identity provider did not sign you in (${parameters.error})`);
    }
    if (parameters.code === undefined) throw new LoginError('The identity provider sent no code');
    const provider = await this.provider(attempt.connection);
    const codeVerifier = this.box.decrypt(attempt.codeVerifierSealed, `login-attempt:${attempt.stateHash}`);

    const tokens = await this.upstreamCall(() =>
      this.upstream.exchangeCode(provider, parameters.code!, codeVerifier, this.redirectUri),
    );
    if (tokens.idToken === undefined) throw new LoginError('The identity provider sent no ID token');
    const idClaims = await this.upstreamCall(() =>
      this.upstream.verifyIdToken(provider, tokens.idToken!, attempt.nonce),
    );
    const subject = idClaims.sub;
    if (subject === undefined || !SUBJECT.test(subject)) {
      throw new LoginError('The identity provider sent an unusable subject');
    }
    const userinfo = await this.userinfo(provider, tokens.accessToken);
    // OIDC Core §5.3.2: userinfo about someone else must not be used.
    const claims = userinfo.sub === subject ? { ...idClaims, ...userinfo } : idClaims;

    const user = await this.accounts.signIn(
      { connection: provider.connection, subject, profile: upstreamProfileOf(claims), tokens },
      context,
    );
    const ticket = random(32);
    await this.tickets.insert({
      ticketHash: sha256Hex(ticket),
      transactionId: attempt.transactionId,
      userId: user.userId,
      connection: provider.connection,
      expiresAt: new Date(Date.now() + TICKET_TTL_MS),
    });
    const resume = new URL(`${this.config.TESSERA_ISSUER}authorize/resume`);
    resume.searchParams.set('transaction', attempt.transactionId);
    resume.searchParams.set('login_ticket', ticket);
    return resume.toString();
  }

  private async provider(connectionName: string, clientId?: string): Promise<UpstreamProvider> {
    const connection = await this.connections.findByName(connectionName);
    const provider = connection ? this.connections.upstreamProviderOf(connection) : null;
    if (!connection || !provider) {
      throw new LoginError('This connection does not exist or does not sign in upstream');
    }
    // Review #13: only from a client the connection is enabled for (at the start of a login).
    if (clientId !== undefined && !servesClient(connection, clientId)) {
      throw new LoginError('This connection is not enabled for the application');
    }
    return provider;
  }

  /** Userinfo completes the ID token's claims; a provider whose userinfo fails still signs people in. */
  private async userinfo(provider: UpstreamProvider, accessToken: string): Promise<Record<string, unknown>> {
    try {
      return await this.upstream.userinfo(provider, accessToken);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      this.logger.warn(
        `userinfo of ${provider.connection} unusable, using the ID token alone: ${error.message}`,
      );
      return {};
    }
  }

  private async upstreamCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof UpstreamError) throw new LoginError(error.message);
      throw error;
    }
  }
}
