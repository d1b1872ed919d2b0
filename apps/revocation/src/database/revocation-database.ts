import { postgresOptions } from '@app/persistence';
import { ClientProjectionEntity } from '../clients/client-projection.entity';
import { IssuedTokenEntity } from '../registry/issued-token.entity';
import { RevocationEntity } from '../revocations/revocation.entity';
import { Initial1732406400000 } from './migrations/1732406400000-initial';
import { IssuedTokenRegistry1732492800000 } from './migrations/1732492800000-issued-token-registry';
import { RefreshTokensGrantsSessions1732665600000 } from './migrations/1732665600000-refresh-tokens-grants-sessions';
import { UserGrantRevocations1732752000000 } from './migrations/1732752000000-user-grant-revocations';
import { ManagementMetadata1732838400000 } from './migrations/1732838400000-management-metadata';
import { KnownUsers1732924800000 } from './migrations/1732924800000-known-users';
import { RefreshTokenDevices1733011200000 } from './migrations/1733011200000-refresh-token-devices';
import { ConsentGrants1765500000001 } from './migrations/1765500000001-consent-grants';
import { IssuedTokenSources1765300000000 } from './migrations/1765300000000-issued-token-sources';
import { RevocationTombstones1765600000000 } from './migrations/1765600000000-revocation-tombstones';

export const REVOCATION_SCHEMA = 'revocation';

export function revocationDatabase(url: string) {
  return postgresOptions({
    url,
    schema: REVOCATION_SCHEMA,
    entities: [RevocationEntity, ClientProjectionEntity, IssuedTokenEntity],
    migrations: [
      Initial1732406400000,
      IssuedTokenRegistry1732492800000,
      RefreshTokensGrantsSessions1732665600000,
      UserGrantRevocations1732752000000,
      ManagementMetadata1732838400000,
      KnownUsers1732924800000,
      RefreshTokenDevices1733011200000,
      ConsentGrants1765500000001,
      IssuedTokenSources1765300000000,
      RevocationTombstones1765600000000,
    ],
  });
}
