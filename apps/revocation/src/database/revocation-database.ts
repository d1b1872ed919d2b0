import { postgresOptions } from '@app/persistence';
import { ClientProjectionEntity } from '../clients/client-projection.entity';
import { RevocationEntity } from '../revocations/revocation.entity';
import { Initial1732406400000 } from './migrations/1732406400000-initial';

export const REVOCATION_SCHEMA = 'revocation';

export function revocationDatabase(url: string) {
  return postgresOptions({
    url,
    schema: REVOCATION_SCHEMA,
    entities: [RevocationEntity, ClientProjectionEntity],
    migrations: [Initial1732406400000],
  });
}
