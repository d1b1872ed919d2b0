import { Injectable } from '@nestjs/common';
import type { EventContext, RevocationPayload } from '@app/contracts';
import { revocationFor } from './revocation-cause';
import { RevocationsService } from './revocations.service';
import type { CreateTokenRevocationBody } from './token-revocation.schemas';

export type TokenRevocationView =
  | { kind: 'client'; client_id: string; not_before: number }
  | { kind: 'user'; user_id: string; not_before: number };

/** Administrative not-before revocations of a client's or a user's tokens. */
@Injectable()
export class TokenRevocationsService {
  constructor(private readonly revocations: RevocationsService) {}

  /**
   * Records the not-before and answers with the one now in force: a not-before only moves forward, so
   * when a later one was recorded before, that later one is what applies (and is returned).
   * An unknown client or user is not an error: its not-before is harmless and kept, which also covers
   * a client this service has not projected yet.
   */
  async revokeIssuedBefore(
    body: CreateTokenRevocationBody,
    adminSub: string,
    context: EventContext,
  ): Promise<TokenRevocationView> {
    const notBefore = body.not_before ?? Math.floor(Date.now() / 1000);
    const target: RevocationPayload['target'] =
      body.client_id !== undefined
        ? { kind: 'client', client_id: body.client_id, not_before: notBefore }
        : { kind: 'subject', sub: body.user_id!, not_before: notBefore };
    const inForce = await this.revocations.record(
      // A not-before stays (expires null): tokens of any lifetime issued before it must never come back.
      revocationFor(target, null, { reason: 'admin', revokedBy: { kind: 'admin', sub: adminSub } }),
      context,
    );
    return toView(inForce.target);
  }
}

function toView(target: RevocationPayload['target']): TokenRevocationView {
  switch (target.kind) {
    case 'client':
      return { kind: 'client', client_id: target.client_id, not_before: target.not_before };
    case 'subject':
      return { kind: 'user', user_id: target.sub, not_before: target.not_before };
    case 'jti':
    case 'refresh_token':
    case 'session':
    case 'grant':
    case 'signing_key':
      throw new Error(`a ${target.kind} revocation is not a not-before`);
  }
}
