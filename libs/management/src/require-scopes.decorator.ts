import { applyDecorators, Controller, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { ManagementAuthGuard } from './management-auth.guard';
import { ManagementExceptionFilter } from './management-exception.filter';
import { REQUIRED_ALL_SCOPES, REQUIRED_SCOPES } from './management-options';

/**
 * The scopes a Management API route accepts: a token with any one of them may call it, as Auth0's
 * "Insufficient scope; expected any of: …" says.
 */
export function RequireScopes(...anyOf: [string, ...string[]]) {
  return SetMetadata(REQUIRED_SCOPES, anyOf);
}

/**
 * The scopes a Management API route needs together, for operations that span two kinds of object
 * (e.g. `POST /sessions/{id}/revoke` deletes a session and its refresh tokens: `delete:sessions` and
 * `delete:refresh_tokens`, reference/auth0-api.md §4.1).
 */
export function RequireAllScopes(...allOf: [string, string, ...string[]]) {
  return SetMetadata(REQUIRED_ALL_SCOPES, allOf);
}

/**
 * A Management API v2 controller under `/api/v2/<path>`: every route needs a Management API token
 * (ManagementAuthGuard, which refuses routes that declare no scopes) and errors are rendered in
 * Auth0's Management shape, taking precedence over the app-wide OAuth filter.
 */
export function ManagementController(path: string) {
  return applyDecorators(
    Controller(`api/v2/${path}`),
    UseGuards(ManagementAuthGuard),
    UseFilters(ManagementExceptionFilter),
  );
}
