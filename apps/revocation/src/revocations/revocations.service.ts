import { Injectable } from '@nestjs/common';
import {
  createRevocationEvent,
  revocationKey,
  TOPICS,
  type EventContext,
  type RevocationPayload,
} from '@app/contracts';
import { AccessTokenVerifier } from '@app/jwt';
import type { AuthenticatedClient } from '@app/oauth';
import { Outbox } from '@app/outbox';
import { RevocationsRepository } from './revocations.repository';
import { RevokedJtiMarker } from './revoked-jti-marker';

/** Decides what a presented token is, and records its revocation durably with its event. */
@Injectable()
export class RevocationsService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly repository: RevocationsRepository,
    private readonly outbox: Outbox,
    private readonly marker: RevokedJtiMarker,
  ) {}

  /**
   * RFC 7009 §2.1–2.2: revoke `token` if it was issued to `caller`. Tokens that are unknown, invalid,
   * expired or another client's are left untouched and still answered 200 by the controller.
   */
  async revokeToken(caller: AuthenticatedClient, token: string, context: EventContext): Promise<void> {
    if (!AccessTokenVerifier.looksLikeJwt(token)) return;
    const verified = await this.verifier.verify(token);
    if (!verified) return;
    const { jti, exp } = verified.claims;
    const owner = verified.claims.client_id ?? verified.claims.azp;
    if (typeof jti !== 'string' || typeof exp !== 'number' || owner !== caller.client.client_id) return;
    await this.record(
      {
        target: { kind: 'jti', jti },
        expires_at: exp,
        reason: 'client_request',
        revoked_by: { kind: 'client', client_id: caller.client.client_id },
        revoked_at: new Date().toISOString(),
      },
      context,
    );
    await this.marker.mark(jti, exp);
  }

  /** Stores the revocation and its event in one transaction; a repeat of a recorded target is a no-op. */
  async record(payload: RevocationPayload, context: EventContext): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      const isNew = await this.repository.insertIfNew(manager, payload);
      return {
        result: undefined,
        events: isNew
          ? [
              {
                topic: TOPICS.tokensRevoked.name,
                key: revocationKey(payload.target),
                event: createRevocationEvent(payload, context),
              },
            ]
          : [],
      };
    });
  }
}
