import { isParameterText, type ClientCredentialsSnapshot } from '@app/contracts';
import { matchesAnyDigest } from '@app/secrets';
import { ClientAssertionVerifier, JWT_BEARER_ASSERTION_TYPE } from './client-assertion';
import { InvalidClientError, InvalidRequestError } from './oauth-errors';
import type { OAuthParams } from './oauth-params';

/** Where an endpoint finds the clients it authenticates: issuance's table, or another service's projection. */
export interface ClientDirectory {
  findClient(clientId: string): Promise<ClientCredentialsSnapshot | null>;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface AuthenticatedClient {
  readonly client: ClientCredentialsSnapshot;
  readonly method: ClientAuthMethod;
}

interface PresentedCredentials {
  readonly clientId: string;
  readonly secret?: string;
  readonly assertion?: string;
  readonly method: ClientAuthMethod;
}

const MAX_CLIENT_ID_LENGTH = 256;
const MAX_SECRET_LENGTH = 512;

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3).
 * Confidential clients may use HTTP Basic or the body, as Auth0 allows, whichever secret method is
 * registered; a client registered with `none` is public and sends only its `client_id`; a
 * `private_key_jwt` client signs an assertion (checked only where an assertion verifier is given).
 * Every failure is the same 401 `invalid_client`, so callers cannot tell unknown clients from wrong secrets.
 */
export class ClientAuthenticator {
  constructor(
    private readonly directory: ClientDirectory,
    private readonly assertions?: ClientAssertionVerifier,
  ) {}

  async authenticate(authorization: string | undefined, params: OAuthParams): Promise<AuthenticatedClient> {
    const presented = readCredentials(authorization, params);
    const client = await this.directory.findClient(presented.clientId);
    if (!client) throw new InvalidClientError();

    if (client.token_endpoint_auth_method === 'none') {
      // A public client has no secret; one that sends a secret anyway is misconfigured, not authenticated.
      if (presented.method !== 'none') throw new InvalidClientError();
      return { client, method: 'none' };
    }
    if (client.token_endpoint_auth_method === 'private_key_jwt') {
      if (presented.assertion === undefined || !this.assertions) throw new InvalidClientError();
      await this.assertions.verify(presented.assertion, client);
      return { client, method: 'private_key_jwt' };
    }
    if (presented.secret === undefined) throw new InvalidClientError();
    if (!matchesAnyDigest(presented.secret, client.secret_digests)) throw new InvalidClientError();
    return { client, method: presented.method };
  }
}

/**
 * The client id a request claims (Basic, body or assertion), without checking it: for audit records
 * of refused requests. Undefined when the request names no readable client.
 */
export function claimedClientId(authorization: string | undefined, params: OAuthParams): string | undefined {
  try {
    return readCredentials(authorization, params).clientId;
  } catch {
    // Malformed credentials (two methods at once, a broken Basic header): the body still names one.
    return params.get('client_id');
  }
}

function readCredentials(authorization: string | undefined, params: OAuthParams): PresentedCredentials {
  const bodyClientId = params.get('client_id');
  const bodySecret = params.get('client_secret');

  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (bodySecret !== undefined) {
      throw new InvalidRequestError('Client authentication must use only one method');
    }
    const basic = parseBasic(authorization);
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) throw new InvalidClientError();
    return { clientId: basic.clientId, secret: basic.secret, method: 'client_secret_basic' };
  }

  const assertion = params.get('client_assertion');
  if (assertion !== undefined || params.has('client_assertion_type')) {
    if (bodySecret !== undefined)
      throw new InvalidRequestError('Client authentication must use only one method');
    if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE || assertion === undefined) {
      throw new InvalidClientError('Unsupported client_assertion_type');
    }
    const clientId = ClientAssertionVerifier.claimedClientId(assertion);
    if (bodyClientId !== undefined && bodyClientId !== clientId) throw new InvalidClientError();
    checkLength(clientId, MAX_CLIENT_ID_LENGTH);
    return { clientId, assertion, method: 'private_key_jwt' };
  }
  if (bodyClientId === undefined) throw new InvalidRequestError('Missing required parameter: client_id');
  checkLength(bodyClientId, MAX_CLIENT_ID_LENGTH);
  if (bodySecret === undefined) return { clientId: bodyClientId, method: 'none' };
  checkLength(bodySecret, MAX_SECRET_LENGTH);
  return { clientId: bodyClientId, secret: bodySecret, method: 'client_secret_post' };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded. */
function parseBasic(header: string): { clientId: string; secret: string } {
  const encoded = header.slice(header.indexOf(' ') + 1).trim();
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded) || encoded.length > 2048) throw new InvalidClientError();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new InvalidClientError();
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    checkLength(clientId, MAX_CLIENT_ID_LENGTH);
    checkLength(secret, MAX_SECRET_LENGTH);
    // The header is decoded here, not by OAuthParams: its id and secret follow the same rule (`%00`).
    if (!isParameterText(clientId) || !isParameterText(secret)) throw new InvalidClientError();
    return { clientId, secret };
  } catch {
    throw new InvalidClientError();
  }
}

function checkLength(value: string, max: number): void {
  if (value.length > max) throw new InvalidClientError();
}
