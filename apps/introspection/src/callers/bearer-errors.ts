import { OAuthError } from '@app/oauth';

/**
 * RFC 6750 §3.1 errors of endpoints that take a Bearer token (`/userinfo`, and `/oauth/introspect`
 * called with a Management API token): the challenge names the error, so SDKs can tell a dead token
 * from a missing scope.
 */
export class InvalidTokenError extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
  override readonly headers: Readonly<Record<string, string>>;
  constructor(description = 'Invalid token') {
    super(description);
    this.headers = {
      'www-authenticate': `Bearer realm="tessera", error="invalid_token", error_description="${description}"`,
    };
  }
}

export class InsufficientScopeError extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;
  override readonly headers: Readonly<Record<string, string>>;
  constructor(scope: string) {
    const description = `Insufficient scope, expected: ${scope}`;
    super(description);
    this.headers = {
      'www-authenticate': `Bearer realm="tessera", error="insufficient_scope", scope="${scope}"`,
    };
  }
}

/** `Authorization: Bearer <token>` → the token; undefined for any other scheme or a malformed header. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization)?.[1];
}
