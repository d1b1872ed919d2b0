import { decodeJwt, errors, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { isParameterText, type ClientCredentialsSnapshot } from '@app/contracts';
import { InvalidClientError } from './oauth-errors';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The longest an assertion may live: the SDKs make them for 2–3 minutes (reference/auth0-api.md §0). */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_ASSERTION_LENGTH = 8192;

/**
 * The `aud` an assertion presented at `{issuer}{endpointPath}` may carry: the issuer (what Auth0
 * documents, and what its SDKs send for every endpoint), the token endpoint (RFC 7523 §3 and OIDC
 * Core §9 name it, and clients such as openid-client send it to every endpoint of the server), and
 * the endpoint's own URL (RFC 7523 §3: "the URL of the endpoint" the assertion is sent to).
 */
export function clientAssertionAudiences(issuer: string, endpointPath: string): string[] {
  return [...new Set([issuer, new URL('oauth/token', issuer).href, new URL(endpointPath, issuer).href])];
}

/** Remembers assertion ids until their expiry; `claim` is true only the first time (shared store). */
export interface AssertionReplayGuard {
  claim(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
}

/**
 * `private_key_jwt` client authentication (RFC 7523 §3, OIDC Core §9): a JWT signed with one of the
 * client's registered keys, `iss` = `sub` = client id, `aud` one of the server's own URLs (the issuer
 * or the endpoint, as Auth0 accepts), a short `exp`, and a `jti` accepted once.
 */
export class ClientAssertionVerifier {
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly audiences: readonly string[],
    private readonly replay: AssertionReplayGuard,
  ) {}

  /** The client id an assertion claims (unverified), to find the client it must then be verified for. */
  static claimedClientId(assertion: string): string {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw new InvalidClientError();
    try {
      const claims = decodeJwt(assertion);
      if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw new InvalidClientError();
      // Read before the signature is checked, to find the client: an id no parameter could carry names none.
      if (!isParameterText(claims.iss)) throw new InvalidClientError();
      return claims.iss;
    } catch {
      throw new InvalidClientError();
    }
  }

  async verify(assertion: string, client: ClientCredentialsSnapshot): Promise<void> {
    for (const registered of client.public_keys) {
      let payload;
      try {
        const key = await this.importKey(registered.pem, registered.alg);
        ({ payload } = await jwtVerify(assertion, key, {
          algorithms: [registered.alg],
          issuer: client.client_id,
          subject: client.client_id,
          audience: [...this.audiences],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'jti'],
          maxTokenAge: MAX_ASSERTION_LIFETIME_SECONDS,
        }));
      } catch (error) {
        // Another registered key may have signed it (two keys during a rotation).
        if (error instanceof errors.JOSEError || error instanceof TypeError) continue;
        throw error;
      }
      const now = Math.floor(Date.now() / 1000);
      const exp = payload.exp!;
      if (
        exp - now > MAX_ASSERTION_LIFETIME_SECONDS ||
        typeof payload.jti !== 'string' ||
        payload.jti.length > 256
      ) {
        throw new InvalidClientError();
      }
      if (!(await this.replay.claim(client.client_id, payload.jti, exp + CLOCK_TOLERANCE_SECONDS))) {
        throw new InvalidClientError('The client assertion was already used');
      }
      return;
    }
    throw new InvalidClientError();
  }

  private importKey(pem: string, alg: string): Promise<CryptoKey> {
    const id = `${alg}:${pem}`;
    let key = this.keys.get(id);
    if (!key) {
      key = importSPKI(pem, alg);
      // A bad PEM must not stay cached as a rejected promise forever; it will fail again next time.
      key.catch(() => this.keys.delete(id));
      this.keys.set(id, key);
    }
    return key;
  }
}
