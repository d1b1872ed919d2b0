import { Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { OutboundResponse } from '@app/http';
import { UpstreamHttpClient } from './upstream-http.client';
import { OutboundNetworkPolicy } from '@app/http';
import { UpstreamError, type UpstreamProvider, type UpstreamTokens } from './upstream-provider';

/** Discovery documents are cached this long: providers rarely move their endpoints. */
const DISCOVERY_TTL_MS = 10 * 60_000;
/**
 * A failed discovery is remembered this long, so anonymous hits on /login/start for a broken or
 * hostile connection cost one upstream request per half minute, not one each (security review #6).
 */
const DISCOVERY_FAILURE_TTL_MS = 30_000;
/** The endpoints a discovery document names; each must pass the network policy like the document's own URL. */
const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'] as const;

const discoveryDocument = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
});
export type DiscoveryDocument = z.output<typeof discoveryDocument>;

const tokenResponse = z.object({
  access_token: z
    .string()
    .min(1)
    .max(16 * 1024),
  token_type: z.string().optional(),
  expires_in: z.coerce
    .number()
    .int()
    .positive()
    .max(10 * 365 * 86400)
    .optional(),
  refresh_token: z
    .string()
    .min(1)
    .max(16 * 1024)
    .optional(),
  id_token: z
    .string()
    .min(1)
    .max(32 * 1024)
    .optional(),
});

const claimsObject = z.record(z.string(), z.unknown());

/**
 * The OpenID Connect relying-party side of an upstream login (OpenID Connect Core 1.0 §3.1):
 * discovery, the token endpoint (code with PKCE, and refresh) with the connection's client
 * credentials, ID token validation against the provider's JWKS, and userinfo. The only code that
 * talks to upstream providers.
 */
@Injectable()
export class UpstreamOidcClient {
  private readonly logger = new Logger(UpstreamOidcClient.name);
  /** Settled discoveries (documents and failures) and the ones under way, by discovery URL and issuer. */
  private readonly discoveries = new Map<string, { outcome: Promise<DiscoveryDocument>; until: number }>();
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(
    private readonly http: UpstreamHttpClient,
    private readonly policy: OutboundNetworkPolicy,
  ) {}

  /** The provider's discovery document; concurrent callers share one request, failures are cached briefly. */
  async discover(provider: UpstreamProvider): Promise<DiscoveryDocument> {
    const key = `${provider.discoveryUrl} ${provider.issuer ?? ''}`;
    const cached = this.discoveries.get(key);
    if (cached && cached.until > Date.now()) return cached.outcome;
    const entry = { outcome: this.fetchDiscovery(provider), until: Number.POSITIVE_INFINITY };
    this.discoveries.set(key, entry);
    entry.outcome.then(
      () => {
        entry.until = Date.now() + DISCOVERY_TTL_MS;
      },
      () => {
        entry.until = Date.now() + DISCOVERY_FAILURE_TTL_MS;
      },
    );
    return entry.outcome;
  }

  private async fetchDiscovery(provider: UpstreamProvider): Promise<DiscoveryDocument> {
    const response = await this.call(provider, 'discovery', provider.discoveryUrl, {
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) this.refused(provider, 'discovery', response);
    const parsed = discoveryDocument.safeParse(jsonOf(response));
    if (!parsed.success) throw new UpstreamError('The provider published an unusable discovery document');
    // OpenID Connect Discovery §4.3: the document's issuer must be the one configured.
    if (provider.issuer !== undefined && parsed.data.issuer !== provider.issuer) {
      throw new UpstreamError('The provider’s discovery document names another issuer');
    }
    // The document decides where the client secret and tokens go: its endpoints obey the same rules.
    for (const name of ENDPOINTS) {
      const endpoint = parsed.data[name];
      const problem = endpoint === undefined ? null : this.policy.urlProblem(endpoint);
      if (problem !== null) {
        this.logger.warn(`discovery of ${provider.connection}: ${name} ${problem}`);
        throw new UpstreamError('The provider’s discovery document names an endpoint that is not allowed');
      }
    }
    return parsed.data;
  }

  /** Exchanges an authorization code (RFC 6749 §4.1.3, with the PKCE verifier of RFC 7636 §4.5). */
  async exchangeCode(
    provider: UpstreamProvider,
    code: string,
    codeVerifier: string,
    redirectUri: string,
  ): Promise<UpstreamTokens> {
    return this.tokenRequest(provider, {
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      redirect_uri: redirectUri,
    });
  }

  /** RFC 6749 §6; a provider that does not rotate keeps the old refresh token valid. */
  async refresh(provider: UpstreamProvider, refreshToken: string): Promise<UpstreamTokens> {
    const tokens = await this.tokenRequest(provider, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  }

  /**
   * OpenID Connect Core §3.1.3.7: signature by a key of the provider's JWKS, `iss`, `aud` containing
   * our client id (and `azp` when there are several audiences), `exp`, and the `nonce` we sent.
   */
  async verifyIdToken(provider: UpstreamProvider, idToken: string, nonce: string): Promise<JWTPayload> {
    const discovery = await this.discover(provider);
    let keySet = this.keySets.get(discovery.jwks_uri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(discovery.jwks_uri), {
        // jose's own fetch would bypass the network policy and the body cap.
        [customFetch]: async (url: string) => {
          const response = await this.call(provider, 'JWKS', url, {
            headers: { accept: 'application/json' },
          });
          return new Response(new Uint8Array(response.body), {
            status: response.status,
            headers: { 'content-type': 'application/json' },
          });
        },
      });
      this.keySets.set(discovery.jwks_uri, keySet);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, keySet, {
        issuer: discovery.issuer,
        audience: provider.clientId,
        // Never `none` and never HMAC: the provider signs with keys it publishes.
        algorithms: [
          'RS256',
          'RS384',
          'RS512',
          'PS256',
          'PS384',
          'PS512',
          'ES256',
          'ES384',
          'ES512',
          'EdDSA',
        ],
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 60,
      }));
    } catch {
      throw new UpstreamError('The provider’s ID token is not valid');
    }
    if (payload.nonce !== nonce) throw new UpstreamError('The provider’s ID token does not carry our nonce');
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== provider.clientId) {
      throw new UpstreamError('The provider’s ID token was issued to another client');
    }
    return payload;
  }

  /** Userinfo claims (OpenID Connect Core §5.3), or an empty object when the provider has none. */
  async userinfo(provider: UpstreamProvider, accessToken: string): Promise<Record<string, unknown>> {
    const discovery = await this.discover(provider);
    if (!discovery.userinfo_endpoint) return {};
    const response = await this.call(provider, 'userinfo', discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (response.status !== 200) this.refused(provider, 'userinfo', response);
    const parsed = claimsObject.safeParse(jsonOf(response));
    if (!parsed.success) throw new UpstreamError('The provider’s userinfo is not a JSON object');
    return parsed.data;
  }

  private async tokenRequest(
    provider: UpstreamProvider,
    parameters: Record<string, string>,
  ): Promise<UpstreamTokens> {
    const discovery = await this.discover(provider);
    const form = new URLSearchParams(parameters);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (provider.clientSecret !== undefined) {
      // RFC 6749 §2.3.1: client_secret_basic, each part form-encoded first.
      const user = encodeURIComponent(provider.clientId);
      const secret = encodeURIComponent(provider.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    } else {
      form.set('client_id', provider.clientId);
    }
    const response = await this.call(provider, 'token', discovery.token_endpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
    });
    if (response.status !== 200) this.refused(provider, 'token', response);
    const parsed = tokenResponse.safeParse(jsonOf(response));
    if (!parsed.success) throw new UpstreamError('The provider’s token response is unusable');
    const { access_token, refresh_token, expires_in, id_token } = parsed.data;
    return {
      accessToken: access_token,
      refreshToken: refresh_token,
      expiresAt: expires_in !== undefined ? new Date(Date.now() + expires_in * 1000) : null,
      idToken: id_token,
    };
  }

  /** One request under the network policy; why it failed goes to the log, not to the person. */
  private async call(
    provider: UpstreamProvider,
    what: string,
    url: string,
    init: Parameters<UpstreamHttpClient['request']>[1],
  ): Promise<OutboundResponse> {
    try {
      return await this.http.request(url, init);
    } catch (error) {
      if (error instanceof UpstreamError && error.detail !== undefined) {
        this.logger.warn(`${what} request of ${provider.connection} failed: ${error.detail}`);
      }
      throw error;
    }
  }

  /**
   * A non-200 answer. The page says which step failed, never the status or the body: with a
   * connection pointed at an internal host, either would tell an anonymous caller what runs there.
   */
  private refused(provider: UpstreamProvider, what: string, response: OutboundResponse): never {
    const error = (jsonOf(response) as { error?: unknown } | null)?.error;
    const code = typeof error === 'string' ? ` ${error.replace(/[^\x20-\x7e]/g, '').slice(0, 64)}` : '';
    this.logger.warn(`${what} endpoint of ${provider.connection} answered ${response.status}${code}`);
    throw new UpstreamError(`The provider’s ${what} endpoint refused the request`);
  }
}

/** The body as JSON, or null when it is not JSON. */
function jsonOf(response: OutboundResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
