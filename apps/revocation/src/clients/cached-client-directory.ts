import { Injectable } from '@nestjs/common';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import { ClientConfirmations, type ClientDirectory } from '@app/oauth';
import { TtlCache } from '@app/persistence';
import { ClientsRepository } from './clients.repository';

/**
 * How long a change to a client (new secret, deletion) may take to reach this instance's
 * `/oauth/revoke`, as at issuance's token endpoint. A deleted client's tokens are revoked by
 * not-before anyway; the window only lets it revoke its own tokens a few seconds longer.
 */
const CLIENT_TTL_MS = 5_000;

/**
 * The client projection, read through a short cache: `/oauth/revoke` looks a client up on every call.
 * The projection is what `tessera.clients.v1` announced; what the client authenticates with is
 * issuance's word on it, asked once per announced credentials (ClientConfirmations, issue #20 §4), so
 * a client forged or altered on the broker never authenticates here.
 */
@Injectable()
export class CachedClientDirectory implements ClientDirectory {
  private readonly cache = new TtlCache<ClientCredentialsSnapshot | null>(CLIENT_TTL_MS);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly confirmations: ClientConfirmations,
  ) {}

  findClient(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    return this.cache.get(clientId, async () => {
      const announced = await this.clients.find(clientId);
      if (announced) return this.confirmations.confirm(announced);
      this.confirmations.forget(clientId);
      return null;
    });
  }
}
