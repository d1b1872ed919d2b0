import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { UpstreamError, type UpstreamProvider, type UpstreamTokens } from './upstream-provider';

const TIMEOUT_MS = 5000;
/** Discovery documents are cached this long: providers rarely move their endpoints. */
const DISCOVERY_TTL_MS = 10 * 60_000;

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
  private readonly discoveries = new Map<string, { document: DiscoveryDocument; until: number }>();
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  async discover(provider: UpstreamProvider): Promise<DiscoveryDocument> {
    const cached = this.discoveries.get(provider.discoveryUrl);
    if (cached && cached.until > Date.now()) return cached.document;
    const body = await getJson(provider.discoveryUrl, 'discovery');
    const parsed = discoveryDocument.safeParse(body);
    if (!parsed.success) throw new UpstreamError('The provider published an unusable discovery document');
    // OpenID Connect Discovery §4.3: the document's issuer must be the one configured.
    if (provider.issuer !== undefined && parsed.data.issuer !== provider.issuer) {
      throw new UpstreamError('The provider’s discovery document names another issuer');
    }
    this.discoveries.set(provider.discoveryUrl, {
      document: parsed.data,
      until: Date.now() + DISCOVERY_TTL_MS,
    });
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
      keySet = createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: TIMEOUT_MS });
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
    const response = await request(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (!response.ok) throw new UpstreamError(`The provider’s userinfo endpoint answered ${response.status}`);
    const parsed = claimsObject.safeParse(await readJson(response));
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
    const response = await request(discovery.token_endpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
    });
    const body = await readJson(response);
    if (!response.ok) {
      const error =
        typeof (body as { error?: unknown })?.error === 'string' ? (body as { error: string }).error : '';
      throw new UpstreamError(
        `The provider’s token endpoint refused the request (${response.status} ${error})`,
      );
    }
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new UpstreamError('The provider’s token response is unusable');
    const { access_token, refresh_token, expires_in, id_token } = parsed.data;
    return {
      accessToken: access_token,
      refreshToken: refresh_token,
      expiresAt: expires_in !== undefined ? new Date(Date.now() + expires_in * 1000) : null,
      idToken: id_token,
    };
  }
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new UpstreamError('The provider could not be reached');
  }
}

async function getJson(url: string, what: string): Promise<unknown> {
  const response = await request(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new UpstreamError(`The provider’s ${what} endpoint answered ${response.status}`);
  return readJson(response);
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}
