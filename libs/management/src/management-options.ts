/** How a service's Management API recognises its tokens. */
export interface ManagementApiOptions {
  /** The Management API audience, `{issuer}api/v2/` (reference/auth0-api.md §0). */
  readonly audience: string;
}

export const MANAGEMENT_API_OPTIONS = Symbol('MANAGEMENT_API_OPTIONS');

/** Metadata key of `@RequireScopes`. */
export const REQUIRED_SCOPES = 'tessera:management:required-scopes';

/** Metadata key of `@RequireAllScopes`. */
export const REQUIRED_ALL_SCOPES = 'tessera:management:required-all-scopes';
