import { Injectable } from '@nestjs/common';
import {
  revocationKey,
  TOPICS,
  type EventContext,
  type EventOnTopic,
  type RevocationPayload,
} from '@app/contracts';
import { Outbox } from '@app/outbox';
import { DerivedTokenRevocations } from './derived-token-revocations.service';
import { GrantRevocationsService } from './grant-revocations.service';
import { OpaqueTokenStore } from './opaque-token-store';
import { causeOf, revocationFor } from './revocation-cause';
import { RevocationsRepository } from './revocations.repository';
import { RevocationsService } from './revocations.service';

type AuditEvent = EventOnTopic<typeof TOPICS.tokensIssued.name>;
type ReuseDetected = Extract<
  AuditEvent,
  { type: 'refresh_token.reuse_detected' | 'authorization_code.reused' }
>;
type SessionStarted = Extract<AuditEvent, { type: 'login_session.started' }>;
type SessionEnded = Extract<AuditEvent, { type: 'login_session.ended' }>;
type TokenIssued = Extract<
  AuditEvent,
  { type: 'access_token.issued' | 'refresh_token.issued' | 'refresh_token.rotated' }
>;

const REUSE_CONSUMER = 'grant-reuse';

/**
 * Revocations the audit stream calls for: a reused refresh token revokes its grant, a new login that
 * replaced a browser's session ends the old session as a deletion does (its grants, and so the tokens
 * exchanged from theirs), and a token that issuance reports after its grant, login session or (for an
 * exchanged token) source token was revoked is revoked too — the stream can lag a revocation, and not
 * every validator reads a JWT's `grant_id` claim.
 */
@Injectable()
export class AuditStreamRevocations {
  constructor(
    private readonly outbox: Outbox,
    private readonly repository: RevocationsRepository,
    private readonly revocations: RevocationsService,
    private readonly grantRevocations: GrantRevocationsService,
    private readonly opaqueTokens: OpaqueTokenStore,
    private readonly derived: DerivedTokenRevocations,
  ) {}

  async apply(events: readonly AuditEvent[]): Promise<void> {
    // A client-credentials token is a grant of its own that nothing revokes by grant: no lookup for it.
    await this.revokeLateTokens(
      events.filter(isTokenIssued).filter((event) => event.payload.grant_type !== 'client_credentials'),
    );
    for (const event of events) {
      if (event.type === 'refresh_token.reuse_detected' || event.type === 'authorization_code.reused') {
        await this.revokeReusedGrant(event);
      } else if (event.type === 'login_session.started') {
        await this.endReplacedSession(event);
      } else if (event.type === 'login_session.ended') {
        await this.endLoggedOutSession(event);
      }
    }
  }

  /**
   * Review #15: issuance ended the session a new login replaced in the same browser (in the transaction
   * that started the new one); here it is revoked as a deleted session is, with its grants and their
   * tokens, so no token of it outlives it. The registry projected the batch first, so the session row
   * is there; a redelivery finds it revoked already and revokes nothing.
   */
  private async endReplacedSession(event: SessionStarted): Promise<void> {
    const replaced = event.payload.replaced_session_id;
    if (replaced === undefined) return;
    await this.grantRevocations.revokeSession(
      replaced,
      { reason: 'session_replaced', revokedBy: { kind: 'system' } },
      { correlationId: event.correlation_id, causationId: event.id },
    );
  }

  /**
   * A logout at `/v2/logout` or `/oidc/logout` (issue #16 §2): issuance ended the session; here it is
   * revoked (`session.revoked`, reason `logout`, by the client that asked when one was named), with its
   * grants only when that client's `logout_revokes_refresh_tokens` says so (Auth0 keeps them). A
   * redelivery finds the session revoked and revokes nothing.
   */
  private async endLoggedOutSession(event: SessionEnded): Promise<void> {
    const { session_id: sessionId, client_id: clientId, revoke_grants: withGrants } = event.payload;
    await this.grantRevocations.revokeSession(
      sessionId,
      {
        reason: 'logout',
        revokedBy: clientId !== undefined ? { kind: 'client', client_id: clientId } : { kind: 'system' },
      },
      { correlationId: event.correlation_id, causationId: event.id },
      withGrants,
    );
  }

  /**
   * `refresh_token.reuse_detected` and `authorization_code.reused`: issuance already deleted the
   * grant's opaque tokens from Redis; the grant revocation makes it durable, revokes the grant's JWTs
   * and tells every subscriber. Marked processed in the same transaction, so a redelivery changes and
   * emits nothing.
   */
  private async revokeReusedGrant(event: ReuseDetected): Promise<void> {
    // Before the commit (which releases the event): no subscriber hears of it while a token still works.
    await this.opaqueTokens.deleteGrants([event.payload.grant_id]);
    const staged = await this.outbox.transaction(async (manager) => {
      if (!(await this.repository.markApplied(manager, REUSE_CONSUMER, event.id))) {
        return { result: null, events: [] };
      }
      const result = await this.grantRevocations.stageGrants(
        manager,
        [event.payload.grant_id],
        {
          reason:
            event.type === 'refresh_token.reuse_detected'
              ? 'refresh_token_reuse'
              : 'authorization_code_reuse',
          revokedBy: { kind: 'system' },
        },
        { correlationId: event.correlation_id, causationId: event.id },
      );
      return { result, events: result.events };
    });
    if (staged) await this.grantRevocations.afterCommit(staged);
  }

  private async revokeLateTokens(tokens: readonly TokenIssued[]): Promise<void> {
    if (tokens.length === 0) return;
    const grantKey = (token: TokenIssued) =>
      revocationKey({ kind: 'grant', grant_id: token.payload.grant_id });
    const sessionKey = (sessionId: string) => revocationKey({ kind: 'session', session_id: sessionId });
    const sourceKey = (token: TokenIssued) => {
      const sourceJti = token.type === 'access_token.issued' ? token.payload.source_jti : undefined;
      return sourceJti !== undefined ? revocationKey({ kind: 'jti', jti: sourceJti }) : undefined;
    };
    const [inForce, userWide] = await Promise.all([
      this.repository.inForce(
        tokens.flatMap((token) => [
          grantKey(token),
          ...(token.payload.session_id ? [sessionKey(token.payload.session_id)] : []),
          ...(sourceKey(token) !== undefined ? [sourceKey(token)!] : []),
        ]),
      ),
      this.grantRevocations.userGrantRevocationsOf(tokens.map((token) => token.payload.sub)),
    ]);
    if (inForce.size === 0 && userWide.size === 0) return;
    for (const token of tokens) {
      const context = { correlationId: token.correlation_id, causationId: token.id };
      const grantRevocation = inForce.get(grantKey(token));
      const sessionRevocation = token.payload.session_id
        ? inForce.get(sessionKey(token.payload.session_id))
        : undefined;
      const userRevocation = userWide.get(token.payload.sub);
      const source = sourceKey(token);
      const sourceRevocation = source !== undefined ? inForce.get(source) : undefined;
      if (grantRevocation) {
        await this.opaqueTokens.deleteGrants([token.payload.grant_id]);
        if (token.type === 'access_token.issued' && token.payload.format === 'jwt') {
          await this.revokeLateJwt(token, grantRevocation, inForce, context);
        }
      } else if (sourceRevocation && token.type === 'access_token.issued' && token.payload.format === 'jwt') {
        // Exchanged from a token revoked before the registry knew of this one (docs/adr/0009).
        await this.revokeLateJwt(token, sourceRevocation, inForce, context);
        // Tokens exchanged from this one that the registry already holds (another partition's batch
        // may have brought them first) go with it, down the chain.
        await this.derived.revokeDerivedFrom(token.payload.jti, causeOf(sourceRevocation), context);
      } else if (sessionRevocation && sessionRevocation.reason !== 'logout') {
        // A grant of a deleted session that the registry did not know when the session was deleted.
        // (A logout leaves the session's grants to the client's setting: issuance revoked the refresh
        // tokens it holds for the session in the logout's own transaction when it asked for that.)
        await this.grantRevocations.revokeGrants(
          [token.payload.grant_id],
          causeOf(sessionRevocation),
          context,
        );
      } else if (userRevocation && token.payload.issued_at <= userRevocation.revokedThrough) {
        // A grant issued before a user-wide deletion that the registry did not know then.
        await this.grantRevocations.revokeGrants(
          [token.payload.grant_id],
          { reason: userRevocation.reason, revokedBy: userRevocation.revokedBy },
          context,
        );
      }
    }
  }

  /**
   * Revokes a JWT issued after what covers it was revoked, with the same reason and author. It is then
   * in force for the rest of the batch too: a token exchanged from this one may follow in the same
   * batch (a chain issued while the registry lagged), and its source is revoked only now.
   */
  private async revokeLateJwt(
    token: Extract<TokenIssued, { type: 'access_token.issued' }>,
    covering: RevocationPayload,
    inForce: Map<string, RevocationPayload>,
    context: EventContext,
  ): Promise<void> {
    const target = { kind: 'jti', jti: token.payload.jti } as const;
    const recorded = await this.revocations.record(
      revocationFor(target, token.payload.expires_at, causeOf(covering), new Date(), {
        sub: token.payload.sub,
        client_id: token.payload.client_id,
        aud: token.payload.aud,
        grant_id: token.payload.grant_id,
        ...(token.payload.session_id ? { session_id: token.payload.session_id } : {}),
      }),
      context,
    );
    inForce.set(revocationKey(target), recorded);
  }
}

function isTokenIssued(event: AuditEvent): event is TokenIssued {
  return (
    event.type === 'access_token.issued' ||
    event.type === 'refresh_token.issued' ||
    event.type === 'refresh_token.rotated'
  );
}
