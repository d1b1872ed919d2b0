import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RevocationEvent } from '@app/contracts';
import { ClientsRepository } from '../clients/clients.repository';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import {
  BackchannelLogoutDeliveriesRepository,
  type NewDelivery,
} from './backchannel-logout-deliveries.repository';

/**
 * Turns a `session.revoked` into logout-token deliveries (OIDC Back-Channel Logout 1.0 §2.5): one per
 * back-channel logout URL of every client that had tokens from the session (the revocation's
 * `client_ids`, as the registry knew them). Every reason counts: a logout, a Management deletion,
 * a replaced session, a blocked user. Runs in the transaction that records the event as processed,
 * so a redelivered event stages nothing twice and a crash loses nothing.
 */
@Injectable()
export class BackchannelLogoutScheduler {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly deliveries: BackchannelLogoutDeliveriesRepository,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  async stage(manager: EntityManager, event: RevocationEvent): Promise<void> {
    const { target } = event.payload;
    if (target.kind !== 'session') return;
    const clientIds = event.payload.client_ids ?? (event.payload.client_id ? [event.payload.client_id] : []);
    const staged: NewDelivery[] = [];
    for (const clientId of new Set(clientIds)) {
      const client = await this.clients.findById(clientId, manager);
      for (const url of client?.backchannelLogoutUrls ?? []) {
        staged.push({
          revocationEventId: event.id,
          clientId,
          url,
          sessionId: target.session_id,
          sub: event.payload.sub ?? null,
          alg: client!.jwtAlg,
        });
      }
    }
    if (staged.length > 0)
      await this.deliveries.stage(manager, staged, this.config.TESSERA_BACKCHANNEL_LOGOUT_GIVE_UP_SECONDS);
  }
}
