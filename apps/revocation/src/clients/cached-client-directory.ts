import { Injectable } from '@nestjs/common';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import type { ClientDirectory } from '@app/oauth';
import { TtlCache } from '@app/persistence';
import { ClientsRepository } from './clients.repository';

/**
 * How long a change to a client (new secret, deletion) may take to reach this instance's
 * `/oauth/revoke`, as at issuance's token endpoint. A deleted client's tokens are revoked by
 * not-before anyway; the window only lets it revoke its own tokens a few seconds longer.
 */
const CLIENT_TTL_MS = 5_000;

/** The client projection, read through a short cache: `/oauth/revoke` looks a client up on every call. */
@Injectable()
export class CachedClientDirectory implements ClientDirectory {
  private readonly cache = new TtlCache<ClientCredentialsSnapshot | null>(CLIENT_TTL_MS);

  constructor(private readonly clients: ClientsRepository) {}

  findClient(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    return this.cache.get(clientId, () => this.clients.find(clientId));
  }
}
