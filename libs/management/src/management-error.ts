import { STATUS_CODES } from 'node:http';

/**
 * A Management API v2 error, rendered as Auth0 renders them:
 * `{statusCode, error, message, errorCode}` (reference/auth0-api.md §0). `error` is the HTTP reason
 * phrase; `errorCode` is Auth0's machine-readable code (`invalid_body`, `inexistent_client`, …).
 */
export class ManagementError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorCode?: string,
    /** Extra response headers, e.g. `WWW-Authenticate` on 401. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get error(): string {
    return STATUS_CODES[this.statusCode] ?? 'Error';
  }

  toBody(): { statusCode: number; error: string; message: string; errorCode?: string } {
    return {
      statusCode: this.statusCode,
      error: this.error,
      message: this.message,
      ...(this.errorCode ? { errorCode: this.errorCode } : {}),
    };
  }
}

/** 400 `invalid_body`: the JSON payload is missing, malformed or fails validation. */
export function invalidBody(detail: string): ManagementError {
  return new ManagementError(400, `Payload validation error: ${detail}`, 'invalid_body');
}

/** 400 `invalid_query_string`: a query parameter is malformed or out of range. */
export function invalidQueryString(detail: string): ManagementError {
  return new ManagementError(400, `Query validation error: ${detail}`, 'invalid_query_string');
}

/** 400 `invalid_uri`: a path parameter cannot be what the route names (Auth0's "Path validation error"). */
export function invalidPathParameter(detail: string): ManagementError {
  return new ManagementError(400, `Path validation error: ${detail}`, 'invalid_uri');
}

/** 401 without `errorCode`, as Auth0 answers a missing or unusable bearer token. */
export function unauthorized(message: 'Missing authentication' | 'Invalid token' | 'Bad audience') {
  return new ManagementError(401, message, undefined, { 'www-authenticate': 'Bearer realm="api"' });
}

/** 503 while this instance's revocations are not current (TokenStateGate): retry shortly. */
export function tokenStateNotCurrent(): ManagementError {
  return new ManagementError(
    503,
    'The token state is being brought up to date; try again shortly',
    'temporarily_unavailable',
    { 'retry-after': '1' },
  );
}

/** 403 `insufficient_scope`, naming the scopes any one of which would have been enough. */
export function insufficientScope(anyOf: readonly string[]): ManagementError {
  return new ManagementError(
    403,
    `Insufficient scope; expected any of: ${anyOf.join(',')}.`,
    'insufficient_scope',
  );
}

/** 403 `insufficient_scope` on a route that needs several scopes together, naming those missing. */
export function missingScopes(missing: readonly string[]): ManagementError {
  return new ManagementError(
    403,
    `Insufficient scope; expected all of: ${missing.join(',')}.`,
    'insufficient_scope',
  );
}

export function notFound(message: string, errorCode: string): ManagementError {
  return new ManagementError(404, message, errorCode);
}

export function conflict(message: string, errorCode: string): ManagementError {
  return new ManagementError(409, message, errorCode);
}
