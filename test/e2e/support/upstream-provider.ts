import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/* oidc-provider is ESM-only: loaded at run time, typed loosely here (it ships no types). */
const providerEntry = 'oidc-provider';

interface OidcProviderInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  interactionDetails(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{
    uid: string;
    prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
    params: { client_id: string; scope?: string };
    session?: { accountId: string };
  }>;
  interactionFinished(
    request: IncomingMessage,
    response: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
  Grant: new (properties: { accountId: string; clientId: string }) => {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  };
}

export interface UpstreamAccount {
  readonly sub: string;
  readonly email: string;
  readonly name: string;
}

/**
 * A real, independently written OpenID Provider (panva's `oidc-provider`) for upstream-login tests.
 * Its interaction step signs in `nextAccount` (or refuses, when `refuseNext` is set) without a form,
 * as a person at the provider's login page would.
 */
export class UpstreamProvider {
  readonly clientId = `tessera-${randomBytes(4).toString('hex')}`;
  readonly clientSecret = randomBytes(24).toString('base64url');
  nextAccount: UpstreamAccount | null = null;
  refuseNext = false;
  /** Every request the provider received (method and path), oldest first. */
  readonly requests: string[] = [];

  private constructor(
    readonly issuer: string,
    private readonly server: Server,
  ) {}

  static async start(redirectUri: string): Promise<UpstreamProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const upstream = new UpstreamProvider(issuer, server);
    const { default: Provider } = (await import(providerEntry)) as {
      default: new (issuer: string, configuration: Record<string, unknown>) => OidcProviderInstance;
    };
    const accounts = new Map<string, UpstreamAccount>();
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: upstream.clientId,
          client_secret: upstream.clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'offline_access', 'email', 'profile'],
      features: { devInteractions: { enabled: false } },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        Grant: 3600,
        IdToken: 3600,
        Interaction: 600,
        RefreshToken: 86400,
        Session: 3600,
      },
      // Hand out a refresh token with every code, so there is something to refresh with.
      issueRefreshToken: () => true,
      findAccount: (_context: unknown, sub: string) => {
        const account = accounts.get(sub);
        return account
          ? {
              accountId: sub,
              claims: () => ({ sub, email: account.email, email_verified: true, name: account.name }),
            }
          : undefined;
      },
    });
    const handle = provider.callback();
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      upstream.requests.push(`${request.method} ${request.url?.split('?')[0]}`);
      if (!request.url?.startsWith('/interaction/')) return handle(request, response);
      void upstream.interact(provider, accounts, request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    return upstream;
  }

  /** The provider's own login and consent steps, decided by the test instead of a person. */
  private async interact(
    provider: OidcProviderInstance,
    accounts: Map<string, UpstreamAccount>,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (this.refuseNext) {
      this.refuseNext = false;
      const refusal = { error: 'access_denied', error_description: 'The person said no' };
      return provider.interactionFinished(request, response, refusal, { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === 'login') {
      const account = this.nextAccount;
      if (!account) throw new Error('no account to sign in');
      accounts.set(account.sub, account);
      return provider.interactionFinished(
        request,
        response,
        { login: { accountId: account.sub } },
        { mergeWithLastSubmission: false },
      );
    }
    const grant = new provider.Grant({
      accountId: details.session!.accountId,
      clientId: details.params.client_id,
    });
    grant.addOIDCScope(
      details.prompt.details.missingOIDCScope?.join(' ') ?? details.params.scope ?? 'openid',
    );
    if (details.prompt.details.missingOIDCClaims)
      grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A browser, by hand: follows redirects one at a time, keeping the upstream provider's cookies, until
 * it is sent to a URL that starts with `stopAt` (our service), which it returns unvisited.
 */
export async function browseUntil(startUrl: string, stopAt: string, maxSteps = 12): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = new URL(startUrl);
  for (let step = 0; step < maxSteps; step++) {
    if (url.href.startsWith(stopAt)) return url;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = pair!.indexOf('=');
      cookies.set(pair!.slice(0, separator).trim(), pair!.slice(separator + 1).trim());
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(
        `the browser stopped at ${url.origin}${url.pathname}: ${response.status} ${await response.text()}`,
      );
    }
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}
