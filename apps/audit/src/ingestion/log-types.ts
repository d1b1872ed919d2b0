/**
 * The log type codes the audit store writes, with Auth0's event names (Auth0 "Log Event Type Codes").
 * Auth0's own code wherever Auth0 has one; `t_…` codes are Tessera's, for facts Auth0 does not log
 * (revocations other than a refresh token's). Auth0's codes never start with `t_`, so the two cannot
 * collide. docs/audit-logs.md prints this table.
 */
export const LOG_TYPES = {
  // Token endpoint successes (the `log_type` issuance puts in the audit stream).
  seccft: 'Success Exchange: Client Credentials for Access Token',
  seacft: 'Success Exchange: Authorization Code for Access Token',
  sepft: 'Success Exchange: Password for Access Token',
  sertft: 'Success Exchange: Refresh Token for Access Token',
  secte: 'Success Exchange: Token Exchange',
  sd: 'Success Delegation',
  // ... and failures.
  feccft: 'Failed Exchange: Client Credentials for Access Token',
  feacft: 'Failed Exchange: Authorization Code for Access Token',
  fepft: 'Failed Exchange: Password for Access Token',
  fertft: 'Failed Exchange: Refresh Token for Access Token',
  ferrt: 'Failed Exchange: Rotating Refresh Token reused',
  fecte: 'Failed Exchange: Token Exchange',
  fd: 'Failed Delegation',
  // Logins.
  s: 'Success Login',
  f: 'Failed Login',
  fp: 'Failed Login (Incorrect Password)',
  fu: 'Failed Login (Invalid Email/Username)',
  fcoa: 'Failed cross-origin authentication',
  slo: 'Success Logout',
  oidc_backchannel_logout_succeeded: 'Successful OIDC Back-Channel Logout request',
  oidc_backchannel_logout_failed: 'Failed OIDC Back-Channel Logout request',
  // Attack protection (account-linking's password check).
  limit_wc: 'Blocked Account',
  limit_mu: 'Blocked IP Address',
  t_ubd: 'Tessera: Brute-force Block Lifted',
  // Accounts (tessera.accounts.v1): Management API operations and deletions.
  sapi: 'Success API Operation',
  scp: 'Success Change Password',
  sdu: 'Successful User Deletion',
  // Revocations (tessera.tokens.revoked.v1).
  srrt: 'Successful Refresh Token Revocation',
  t_srat: 'Tessera: Successful Access Token Revocation',
  t_srs: 'Tessera: Successful Session Revocation',
  t_sru: "Tessera: Successful Revocation of a User's Tokens",
  t_src: "Tessera: Successful Revocation of a Client's Tokens",
  t_srk: 'Tessera: Successful Signing Key Revocation',
} as const;

export type LogType = keyof typeof LOG_TYPES;

export function isLogType(value: string): value is LogType {
  return Object.hasOwn(LOG_TYPES, value);
}
