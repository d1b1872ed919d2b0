import { z } from 'zod';
import type { ClientEntity } from '../clients/client.entity';

/** A validated `/authorize` request (OIDC Core §3.1.2.1, Auth0's parameters). */
export const authorizeRequest = z.object({
  clientId: z.string(),
  redirectUri: z.string(),
  state: z.string().optional(),
  nonce: z.string().optional(),
  scope: z.string(),
  audience: z.string().optional(),
  prompt: z.enum(['none', 'login']).optional(),
  maxAge: z.number().int().nonnegative().optional(),
  connection: z.string().optional(),
  codeChallenge: z.string().optional(),
});
export type AuthorizeRequest = z.output<typeof authorizeRequest>;

/** An error shown on our own page: the redirect URI is not trusted, so nothing may go back to it. */
export class UntrustedAuthorizeError extends Error {}

/** An error sent back to the (trusted) redirect URI (RFC 6749 §4.1.2.1). */
export class RedirectableAuthorizeError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const MAX_PARAM = 2048;

/**
 * Validates `/authorize`'s query in the order the RFC asks: first what decides whether we may
 * redirect at all (client and exact redirect URI), then everything else as redirectable errors.
 * Only `response_type=code` (with PKCE S256) is offered: the implicit flows are deprecated (OAuth 2.1).
 */
export function parseAuthorizeRequest(
  query: Readonly<Record<string, unknown>>,
  findClient: (clientId: string) => ClientEntity | null,
): { request: AuthorizeRequest; client: ClientEntity } {
  const param = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || value.length > MAX_PARAM) {
      throw new UntrustedAuthorizeError(`Invalid parameter: ${name}`);
    }
    return value;
  };
  const clientId = param('client_id');
  if (clientId === undefined) throw new UntrustedAuthorizeError('Missing required parameter: client_id');
  const client = findClient(clientId);
  if (!client) throw new UntrustedAuthorizeError('Unknown client');
  const redirectUri = param('redirect_uri');
  if (redirectUri === undefined)
    throw new UntrustedAuthorizeError('Missing required parameter: redirect_uri');
  // Exact match against the registered callbacks (no wildcards, no prefix matching): the defence
  // against stolen codes (RFC 9700 §4.1).
  if (!client.callbacks.includes(redirectUri)) {
    throw new UntrustedAuthorizeError(
      `The redirect_uri "${redirectUri.slice(0, 200)}" is not in the list of allowed callback URLs of the client.`,
    );
  }
  const state = param('state');
  const responseType = param('response_type');
  if (responseType === undefined) {
    throw new RedirectableAuthorizeError('invalid_request', 'Missing required parameter: response_type');
  }
  if (responseType !== 'code') {
    throw new RedirectableAuthorizeError(
      'unsupported_response_type',
      `Unsupported response type: ${responseType.slice(0, 64)}`,
    );
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw new RedirectableAuthorizeError(
      'unauthorized_client',
      `Grant type 'authorization_code' not allowed for the client.`,
    );
  }
  const responseMode = param('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') {
    throw new RedirectableAuthorizeError('invalid_request', 'Only response_mode=query is supported');
  }
  const codeChallenge = param('code_challenge');
  const method = param('code_challenge_method');
  if (codeChallenge !== undefined && method !== 'S256') {
    throw new RedirectableAuthorizeError('invalid_request', 'code_challenge_method must be S256');
  }
  if (codeChallenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
    throw new RedirectableAuthorizeError('invalid_request', 'Invalid code_challenge');
  }
  // A public client cannot keep a secret, so only PKCE ties the code to the app that asked for it.
  if (codeChallenge === undefined && client.tokenEndpointAuthMethod === 'none') {
    throw new RedirectableAuthorizeError('invalid_request', 'Public clients must use PKCE (code_challenge)');
  }
  // Auth0's security controls for third-party applications: PKCE is mandatory for them (OAuth 2.1).
  if (codeChallenge === undefined && !client.isFirstParty) {
    throw new RedirectableAuthorizeError(
      'invalid_request',
      'Third-party clients must use PKCE (code_challenge)',
    );
  }
  const promptParam = param('prompt');
  const prompt = promptParam === 'none' || promptParam === 'login' ? promptParam : undefined;
  if (promptParam !== undefined && prompt === undefined) {
    throw new RedirectableAuthorizeError('invalid_request', 'prompt must be none or login');
  }
  const maxAgeText = param('max_age');
  const maxAge = maxAgeText === undefined ? undefined : Number(maxAgeText);
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) {
    throw new RedirectableAuthorizeError('invalid_request', 'max_age must be a non-negative integer');
  }
  const request: AuthorizeRequest = {
    clientId,
    redirectUri,
    scope: param('scope') ?? 'openid',
    ...(state !== undefined ? { state } : {}),
    ...optional('nonce', param('nonce')),
    ...optional('audience', param('audience')),
    ...(prompt !== undefined ? { prompt } : {}),
    ...optional('maxAge', maxAge),
    ...optional('connection', param('connection')),
    ...optional('codeChallenge', codeChallenge),
  };
  return { request, client };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** The redirect URI with the answer's parameters added to its query (RFC 6749 §4.1.2). */
export function redirectWith(
  redirectUri: string,
  params: Readonly<Record<string, string | undefined>>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}
