import { postgresOptions } from '@app/persistence';
import { ConnectionEntity } from '../connections/connection.entity';
import { IdentityEntity } from '../users/identity.entity';
import { UserEntity } from '../users/user.entity';
import { Initial1732406400000 } from './migrations/1732406400000-initial';
import { UsersAndConnections1764100000000 } from './migrations/1764100000000-users-and-connections';
import { IdentityProviderTokensAndLogins1764200000000 } from './migrations/1764200000000-identity-provider-tokens-and-logins';
import { UsersLastIp1766400000000 } from './migrations/1766400000000-users-last-ip';
import { ConnectionEnabledClients1766500000000 } from './migrations/1766500000000-connection-enabled-clients';
import { LoginAttemptEntity } from '../login/login-attempt.entity';
import { LoginTicketEntity } from '../login/login-ticket.entity';
import { UserBlockEntity } from '../attack-protection/user-block.entity';
import { UserBlocks1766300000000 } from './migrations/1766300000000-user-blocks';

export const ACCOUNT_LINKING_SCHEMA = 'account_linking';

export function accountLinkingDatabase(url: string) {
  return postgresOptions({
    url,
    schema: ACCOUNT_LINKING_SCHEMA,
    entities: [
      UserEntity,
      IdentityEntity,
      ConnectionEntity,
      LoginAttemptEntity,
      LoginTicketEntity,
      UserBlockEntity,
    ],
    migrations: [
      Initial1732406400000,
      UsersAndConnections1764100000000,
      IdentityProviderTokensAndLogins1764200000000,
      UserBlocks1766300000000,
      UsersLastIp1766400000000,
      ConnectionEnabledClients1766500000000,
    ],
  });
}
