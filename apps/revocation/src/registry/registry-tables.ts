import { REVOCATION_SCHEMA } from '../database/revocation-database';

/** Fully qualified names of the registry's tables (raw SQL: one statement per batch, no query builder). */
export const REGISTRY_TABLES = {
  issuedTokens: `"${REVOCATION_SCHEMA}"."issued_tokens"`,
  refreshTokens: `"${REVOCATION_SCHEMA}"."refresh_tokens"`,
  refreshTokenMetadata: `"${REVOCATION_SCHEMA}"."refresh_token_metadata"`,
  grants: `"${REVOCATION_SCHEMA}"."grants"`,
  loginSessions: `"${REVOCATION_SCHEMA}"."login_sessions"`,
  revocations: `"${REVOCATION_SCHEMA}"."revocations"`,
  knownUsers: `"${REVOCATION_SCHEMA}"."known_users"`,
} as const;
