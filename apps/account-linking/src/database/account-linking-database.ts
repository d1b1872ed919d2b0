import { postgresOptions } from '@app/persistence';
import { Initial1732406400000 } from './migrations/1732406400000-initial';

export const ACCOUNT_LINKING_SCHEMA = 'account_linking';

export function accountLinkingDatabase(url: string) {
  return postgresOptions({
    url,
    schema: ACCOUNT_LINKING_SCHEMA,
    entities: [],
    migrations: [Initial1732406400000],
  });
}
