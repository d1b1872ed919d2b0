import { postgresOptions } from '@app/persistence';
import { ConnectionEntity } from '../connections/connection.entity';
import { IdentityEntity } from '../users/identity.entity';
import { UserEntity } from '../users/user.entity';
import { Initial1732406400000 } from './migrations/1732406400000-initial';
import { UsersAndConnections1764100000000 } from './migrations/1764100000000-users-and-connections';

export const ACCOUNT_LINKING_SCHEMA = 'account_linking';

export function accountLinkingDatabase(url: string) {
  return postgresOptions({
    url,
    schema: ACCOUNT_LINKING_SCHEMA,
    entities: [UserEntity, IdentityEntity, ConnectionEntity],
    migrations: [Initial1732406400000, UsersAndConnections1764100000000],
  });
}
