/** What the login flow needs to know about an upstream OpenID provider, from its connection. */
export interface UpstreamProvider {
  /** The connection's name (the realm users choose with `/authorize?connection=`). */
  readonly connection: string;
  readonly issuer: string | undefined;
  readonly discoveryUrl: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly scopes: string;
}

/** The upstream token endpoint's answer, reduced to what is stored. */
export interface UpstreamTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** When the access token expires, if the provider said (`expires_in`). */
  readonly expiresAt: Date | null;
  readonly idToken: string | undefined;
}

/**
 * An upstream provider refused or failed. The message is safe to show (no token, no secret, no
 * address or status of the host asked: error pages must not be a port scanner, security review #6);
 * `detail` says more for the logs.
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}
