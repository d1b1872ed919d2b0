import type { EventContext } from '@app/contracts';
import type { ManagementCallerInfo } from '@app/management';
import type { ReadOptions } from './users.service';

/** Auth0 returns `identities[].access_token`/`refresh_token` only to tokens with this scope. */
export const READ_IDP_TOKENS = 'read:user_idp_tokens';

export function readOptionsFor(caller: ManagementCallerInfo | undefined, context: EventContext): ReadOptions {
  return caller?.scopes.has(READ_IDP_TOKENS) ? { idpTokens: true, context } : { idpTokens: false };
}
