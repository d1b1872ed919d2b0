import type { ClientCredentialsSnapshot } from '@app/contracts';
import { matchesAnyDigest } from '@app/secrets';
import { InvalidClientError, InvalidRequestError } from './oauth-errors';
import type { OAuthParams } from './oauth-params';

/** Where an endpoint finds the clients it authenticates: issuance's table, or another service's projection. */
export interface ClientDirectory {
  findClient(clientId: string): Promise<ClientCredentialsSnapshot | null>;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient {
  readonly client: ClientCredentialsSnapshot;
  readonly method: ClientAuthMethod;
}

interface PresentedCredentials {
  readonly clientId: string;
  readonly secret?: string;
  readonly method: ClientAuthMethod;
}

const MAX_CLIENT_ID_LENGTH = 256;
const MAX_SECRET_LENGTH = 512;

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3).
 * Confidential clients may use HTTP Basic or the body, as Auth0 allows, whichever secret method is
 * registered; a client registered with `none` is public and sends only its `client_id`.
 * Every failure is the same 401 `invalid_client`, so callers cannot tell unknown clients from wrong secrets.
 */
export class ClientAuthenticator {
  constructor(private readonly directory: ClientDirectory) {}

  async authenticate(authorization: string | undefined, params: OAuthParams): Promise<AuthenticatedClient> {
    const presented = readCredentials(authorization, params);
    const client = await this.directory.findClient(presented.clientId);
    if (!client) throw new InvalidClientError();

    if (client.token_endpoint_auth_method === 'none') {
      // A public client has no secret; one that sends a secret anyway is misconfigured, not authenticated.
      if (presented.method !== 'none') throw new InvalidClientError();
      return { client, method: 'none' };
    }
    if (client.token_endpoint_auth_method === 'private_key_jwt' || presented.secret === undefined) {
      throw new InvalidClientError();
    }
    if (!matchesAnyDigest(presented.secret, client.secret_digests)) throw new InvalidClientError();
    return { client, method: presented.method };
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

  if (params.has('client_assertion') || params.has('client_assertion_type')) {
    // private_key_jwt is part of the Issuance issue; until then an assertion cannot authenticate anyone.
    throw new InvalidClientError();
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
    return { clientId, secret };
  } catch {
    throw new InvalidClientError();
  }
}

function checkLength(value: string, max: number): void {
  if (value.length > max) throw new InvalidClientError();
}
