import type { LogType } from '../ingestion/log-types';

/** Auth0's log stream filter categories (`filters: [{type: "category", name}]`). */
export const LOG_STREAM_CATEGORIES = [
  'auth.ancillary.fail',
  'auth.ancillary.success',
  'auth.login.fail',
  'auth.login.notification',
  'auth.login.success',
  'auth.logout.fail',
  'auth.logout.success',
  'auth.signup.fail',
  'auth.signup.success',
  'auth.silent_auth.fail',
  'auth.silent_auth.success',
  'auth.token_exchange.fail',
  'auth.token_exchange.success',
  'management.fail',
  'management.success',
  'scim.event',
  'system.notification',
  'user.fail',
  'user.notification',
  'user.success',
  'actions',
  'other',
] as const;
export type LogStreamCategory = (typeof LOG_STREAM_CATEGORIES)[number];

/**
 * The category of each log type the store writes, as Auth0's "Log Stream Filters" page files its
 * codes. Tessera's own codes (revocations, a block lifted) have no Auth0 category and are `other`,
 * as is any code not listed. docs/audit-logs.md prints this table.
 */
const CATEGORY_OF: Partial<Record<LogType, LogStreamCategory>> = {
  seccft: 'auth.token_exchange.success',
  seacft: 'auth.token_exchange.success',
  sepft: 'auth.token_exchange.success',
  sertft: 'auth.token_exchange.success',
  secte: 'auth.token_exchange.success',
  sd: 'auth.token_exchange.success',
  feccft: 'auth.token_exchange.fail',
  feacft: 'auth.token_exchange.fail',
  fepft: 'auth.token_exchange.fail',
  fertft: 'auth.token_exchange.fail',
  ferrt: 'auth.token_exchange.fail',
  fecte: 'auth.token_exchange.fail',
  fd: 'auth.token_exchange.fail',
  s: 'auth.login.success',
  f: 'auth.login.fail',
  fp: 'auth.login.fail',
  fu: 'auth.login.fail',
  fcoa: 'auth.login.fail',
  slo: 'auth.logout.success',
  oidc_backchannel_logout_succeeded: 'auth.logout.success',
  oidc_backchannel_logout_failed: 'auth.logout.fail',
  limit_wc: 'system.notification',
  limit_mu: 'system.notification',
  sapi: 'management.success',
  scp: 'user.success',
  sdu: 'user.success',
};

export function categoryOf(type: string): LogStreamCategory {
  return CATEGORY_OF[type as LogType] ?? 'other';
}

/** Whether a log of this type passes a stream's filters: no filters pass everything (Auth0). */
export function passesFilters(type: string, categories: ReadonlySet<string>): boolean {
  return categories.size === 0 || categories.has(categoryOf(type));
}
