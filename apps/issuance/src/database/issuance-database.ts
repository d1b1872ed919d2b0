import { postgresOptions } from '@app/persistence';
import { ClientGrantEntity } from '../client-grants/client-grant.entity';
import { ClientEntity } from '../clients/client.entity';
import { ResourceServerEntity } from '../resource-servers/resource-server.entity';
import { SigningKeyEntity } from '../signing-keys/signing-key.entity';
import { Initial1732406400000 } from './migrations/1732406400000-initial';
import { ManagementApi1764000000000 } from './migrations/1764000000000-management-api';
import { UserTokens1764300000000 } from './migrations/1764300000000-user-tokens';
import { SessionSecrets1765100000000 } from './migrations/1765100000000-session-secrets';
import { LoginExpiryIndexes1765100000001 } from './migrations/1765100000001-login-expiry-indexes';
import { Consents1765500000000 } from './migrations/1765500000000-consents';
import { ExchangePolicy1765300000000 } from './migrations/1765300000000-exchange-policy';
import { ConsentPromptExpiryIndex1766100000000 } from './migrations/1766100000000-consent-prompt-expiry-index';
import { Logout1766200000000 } from './migrations/1766200000000-logout';
import { BackchannelLogout1766600000000 } from './migrations/1766600000000-backchannel-logout';

export const ISSUANCE_SCHEMA = 'issuance';

export function issuanceDatabase(url: string) {
  return postgresOptions({
    url,
    schema: ISSUANCE_SCHEMA,
    entities: [ClientEntity, ResourceServerEntity, ClientGrantEntity, SigningKeyEntity],
    migrations: [
      Initial1732406400000,
      ManagementApi1764000000000,
      UserTokens1764300000000,
      SessionSecrets1765100000000,
      LoginExpiryIndexes1765100000001,
      Consents1765500000000,
      ExchangePolicy1765300000000,
      ConsentPromptExpiryIndex1766100000000,
      Logout1766200000000,
      BackchannelLogout1766600000000,
    ],
  });
}
