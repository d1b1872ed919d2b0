/**
 * OAuth errors, one class per RFC error code (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 6750 §3.1), rendered
 * by OAuthExceptionFilter as `{error, error_description}`. Status codes follow Auth0 where Auth0 differs
 * from the RFC (reference/auth0-api.md §2.3), e.g. 403 for `invalid_grant` on refresh tokens.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  /** Extra response headers, e.g. `WWW-Authenticate` on 401. */
  readonly headers: Readonly<Record<string, string>> = {};

  constructor(readonly description: string) {
    super(description);
  }
}

export class InvalidRequestError extends OAuthError {
  readonly error = 'invalid_request';
}

/** Where a refused parameter was: the query string, a path segment, or the body. */
export type ParameterLocation = 'query' | 'path' | 'body';

/**
 * A parameter (name or value) holds a character no parameter may hold (`isParameterText`): a control
 * character or an unpaired surrogate. `invalid_request` on OAuth endpoints; the Management API and
 * the browser endpoints render it in their own shape, which is why it says where it was.
 */
export class InvalidCharacterError extends InvalidRequestError {
  constructor(readonly location: ParameterLocation) {
    super(
      `${location === 'body' ? 'A parameter' : location === 'path' ? 'The path' : 'A query parameter'} contains a control character or an unpaired surrogate`,
    );
  }
}

/** RFC 6749 §5.2: 401, with a `WWW-Authenticate` challenge for the scheme the client tried. */
export class InvalidClientError extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(description = 'Client authentication failed') {
    super(description);
    this.headers = { 'www-authenticate': 'Basic realm="tessera", charset="UTF-8"' };
  }
}

export class InvalidGrantError extends OAuthError {
  readonly error = 'invalid_grant';
  override readonly status = 403;
}

/**
 * Auth0's attack protection (brute-force protection, suspicious-IP throttling): `429
 * too_many_attempts`, answered before the password is checked.
 */
export class TooManyAttemptsError extends OAuthError {
  readonly error = 'too_many_attempts';
  override readonly status = 429;
}

export class UnauthorizedClientError extends OAuthError {
  readonly error = 'unauthorized_client';
  override readonly status = 403;
}

export class AccessDeniedError extends OAuthError {
  readonly error = 'access_denied';
  override readonly status = 403;
}

export class UnsupportedGrantTypeError extends OAuthError {
  readonly error = 'unsupported_grant_type';
  constructor(description = 'Grant type not supported') {
    super(description);
  }
}

export class InvalidScopeError extends OAuthError {
  readonly error = 'invalid_scope';
}

export class UnsupportedTokenTypeError extends OAuthError {
  readonly error = 'unsupported_token_type';
}

/**
 * Something we depend on is down or busy; the caller should retry (RFC 6749 §4.1.2.1) after
 * `Retry-After` seconds (RFC 9110 §10.2.3).
 */
export class TemporarilyUnavailableError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(description: string, retryAfterSeconds = 1) {
    super(description);
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}
