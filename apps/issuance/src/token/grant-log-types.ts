import type { z } from 'zod';
import { grantType as knownGrantType, type auth0LogType } from '@app/contracts';

type LogType = z.output<typeof auth0LogType>;

/** Auth0's success log code per grant (reference/auth0-api.md §6), as the grants record them. */
export const SUCCESS_LOG_TYPE: Readonly<Record<string, LogType>> = {
  client_credentials: 'seccft',
  authorization_code: 'seacft',
  password: 'sepft',
  'http://auth0.com/oauth/grant-type/password-realm': 'sepft',
  refresh_token: 'sertft',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'secte',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'sd',
};

/** Auth0's failure log code per grant (reference/auth0-api.md §6); `f` for anything else. */
export const FAILURE_LOG_TYPE: Readonly<Record<string, LogType>> = {
  client_credentials: 'feccft',
  authorization_code: 'feacft',
  password: 'fepft',
  'http://auth0.com/oauth/grant-type/password-realm': 'fepft',
  refresh_token: 'fertft',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'fecte',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'fd',
};

/** A grant type fit for a metric label: one Tessera knows, else `other` (a caller picks the text). */
export function grantTypeLabel(grantType: string | undefined): string {
  if (grantType === undefined) return 'none';
  return knownGrantType.safeParse(grantType).success ? grantType : 'other';
}
