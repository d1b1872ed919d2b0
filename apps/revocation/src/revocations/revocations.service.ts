import { Injectable } from '@nestjs/common';
import {
  createRevocationEvent,
  GRANT_ID_CLAIM,
  revocationKey,
  TOPICS,
  type EventContext,
  type RevocationPayload,
} from '@app/contracts';
import { AccessTokenVerifier } from '@app/jwt';
import { TemporarilyUnavailableError, type AuthenticatedClient } from '@app/oauth';
import { GroupCommit, Outbox, type OutboxEvent } from '@app/outbox';
import { revocationFor } from './revocation-cause';
import { RevocationMetrics } from './revocation-metrics';
import { RevocationsRepository } from './revocations.repository';
import { RevokedJtiMarker } from './revoked-jti-marker';

/** The transaction a revocation is stored in (only repositories name TypeORM's types). */
type Transaction = Parameters<RevocationsRepository['store']>[0];

/**
 * Group commits in flight at once (row locks are taken in key order, so they cannot deadlock). Each
 * commit is one statement (one round trip), so a few in flight keep the core busy while the batches
 * stay large. Measured with the service alone on its core (docs/benchmarks.md): 1 → 2 → 3 in flight
 * gave 0.21 → 0.21 → 0.24 of the bare endpoint (per-rep 0.21–0.26); with the old four-round-trip
 * transaction, 6 in flight had split the load into batches of ~4 and cost twice the CPU per revocation.
 */
const REVOCATION_COMMITS_IN_FLIGHT = 3;

/** Decides what a presented token is, and records its revocation durably with its event. */
@Injectable()
export class RevocationsService {
  /** Concurrent revocations share one transaction and one commit (each answered after it). */
  private readonly commits: GroupCommit<
    { payload: RevocationPayload; context: EventContext },
    RevocationPayload
  >;

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly repository: RevocationsRepository,
    outbox: Outbox,
    private readonly marker: RevokedJtiMarker,
    private readonly counted: RevocationMetrics,
  ) {
    this.commits = new GroupCommit(
      outbox,
      // The hot path: the whole batch and its events in one statement, one round trip to PostgreSQL.
      async (manager, items, writer) => {
        const { results, appended } = await this.repository.storeManyWithEvents(
          manager,
          items.map(({ payload, context }) => ({ payload, event: this.eventOf(payload, context) })),
          writer,
        );
        results.forEach((stored, index) => stored.changed && this.counted.recorded(items[index]!.payload));
        return { results: results.map((stored) => stored.inForce), appended };
      },
      ({ payload }) => revocationKey(payload.target),
      200,
      REVOCATION_COMMITS_IN_FLIGHT,
    );
  }

  /**
   * Revokes a JWT access token presented at `/oauth/revoke` if it was issued to `caller`: its `jti` is
   * recorded until its `exp`. Invalid, expired or another client's JWTs are left untouched. Returns
   * the jti it revoked, or null. A token signed by a key the JWKS has not confirmed yet is neither:
   * `/oauth/revoke` answers 503 so the client tries again, instead of a 200 that revoked nothing.
   */
  async revokeJwt(caller: AuthenticatedClient, token: string, context: EventContext): Promise<string | null> {
    if (!AccessTokenVerifier.looksLikeJwt(token)) return null;
    const verified = await this.verifier.verify(token);
    if (!verified) {
      if (this.verifier.awaitsKeyConfirmation(token)) {
        throw new TemporarilyUnavailableError(
          'The token’s signing key is not confirmed yet; try again shortly',
        );
      }
      return null;
    }
    const { jti, exp } = verified.claims;
    const owner = verified.claims.client_id ?? verified.claims.azp;
    if (typeof jti !== 'string' || typeof exp !== 'number' || owner !== caller.client.client_id) return null;
    const { sub, aud, sid } = verified.claims;
    const grantId = verified.claims[GRANT_ID_CLAIM];
    await this.record(
      revocationFor(
        { kind: 'jti', jti },
        exp,
        { reason: 'client_request', revokedBy: { kind: 'client', client_id: caller.client.client_id } },
        new Date(),
        {
          client_id: owner,
          ...(typeof sub === 'string' ? { sub } : {}),
          ...(typeof aud === 'string' ? { aud: [aud] } : Array.isArray(aud) ? { aud } : {}),
          ...(typeof grantId === 'string' ? { grant_id: grantId } : {}),
          ...(typeof sid === 'string' ? { session_id: sid } : {}),
        },
      ),
      context,
    );
    await this.marker.mark(jti, exp);
    return jti;
  }

  /**
   * Stores the revocation and its event in one transaction. A repeat of a recorded target, or a
   * not-before no later than the one in force, stores and emits nothing. Returns the revocation in force.
   */
  record(payload: RevocationPayload, context: EventContext): Promise<RevocationPayload> {
    return this.commits.submit({ payload, context });
  }

  /** `stage` for many revocations at once (one multi-row statement), in the caller's transaction. */
  async stageAll(
    manager: Transaction,
    items: readonly { payload: RevocationPayload; context: EventContext }[],
  ): Promise<{ result: RevocationPayload; events: OutboxEvent[] }[]> {
    const stored = await this.repository.storeMany(
      manager,
      items.map((item) => item.payload),
    );
    return items.map(({ payload, context }, index) => {
      const { changed, inForce } = stored[index]!;
      if (changed) this.counted.recorded(payload);
      return { result: inForce, events: changed ? [this.eventOf(payload, context)] : [] };
    });
  }

  private eventOf(payload: RevocationPayload, context: EventContext): OutboxEvent {
    return {
      topic: TOPICS.tokensRevoked.name,
      key: revocationKey(payload.target),
      event: createRevocationEvent(payload, context),
    };
  }

  /**
   * `record` inside the caller's transaction, for a change that must commit together with other
   * state (e.g. a consumed event marked processed): the caller appends the returned events to the outbox.
   */
  async stage(
    manager: Transaction,
    payload: RevocationPayload,
    context: EventContext,
  ): Promise<{ inForce: RevocationPayload; events: OutboxEvent[] }> {
    const { changed, inForce } = await this.repository.store(manager, payload);
    if (changed) this.counted.recorded(payload);
    const events = changed ? [this.eventOf(payload, context)] : [];
    return { inForce, events };
  }
}
