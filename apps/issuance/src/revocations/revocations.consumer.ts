import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  sessionRevocationEndsTokens,
  TOPICS,
  type EventOnTopic,
  type RevocationPayload,
  type RevocationTarget,
} from '@app/contracts';
import { EventStreamSubscriber, KAFKA, type KafkaClient } from '@app/kafka';
import { markProcessed } from '@app/outbox';
import { BackchannelLogoutScheduler } from '../backchannel-logout/backchannel-logout.scheduler';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { ISSUANCE_SCHEMA } from '../database/issuance-database';
import { AuthorizationCodesRepository } from '../login/authorization-codes.repository';
import { ConsentsRepository } from '../login/consent/consents.repository';
import { LoginSessionsRepository } from '../login/login-sessions.repository';
import { RefreshTokensRepository } from '../token/refresh-tokens/refresh-tokens.repository';

const CONSUMER = 'issuance.revocations';

/**
 * Makes revocations durable in issuance's own tables (DESIGN §1: issuance consumes tokens.revoked).
 * The revocation service already deleted the opaque tokens from the shared store before it answered,
 * which is what stops a refresh at once; this consumer makes sure a refresh token stays dead even if
 * that store is lost, and applies what has no Redis record: users' and clients' not-befores, login
 * sessions and withdrawn consents.
 */
@Injectable()
export class RevocationsConsumer extends EventStreamSubscriber<typeof TOPICS.tokensRevoked.name> {
  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
    private readonly dataSource: DataSource,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly sessions: LoginSessionsRepository,
    private readonly consents: ConsentsRepository,
    private readonly codes: AuthorizationCodesRepository,
    private readonly backchannelLogout: BackchannelLogoutScheduler,
  ) {
    super(kafka, {
      name: CONSUMER,
      topic: TOPICS.tokensRevoked.name,
      mode: { kind: 'shared', groupId: `${config.KAFKA_GROUP_PREFIX}.issuance.revocations` },
    });
  }

  protected async handle(event: EventOnTopic<typeof TOPICS.tokensRevoked.name>): Promise<void> {
    // Most revocations name an access token: no transaction (nor processed-event row) for what
    // changes nothing here, so a burst of them costs issuance and PostgreSQL next to nothing.
    if (!changesIssuanceState(event.payload.target)) return;
    const at = Math.floor(Date.parse(event.payload.revoked_at) / 1000);
    await this.dataSource.transaction(async (manager) => {
      if (!(await markProcessed(manager, ISSUANCE_SCHEMA, CONSUMER, event.id))) return;
      await this.apply(manager, event.payload, at);
      await this.backchannelLogout.stage(manager, event);
    });
  }

  private async apply(manager: EntityManager, payload: RevocationPayload, at: number): Promise<void> {
    const target = payload.target;
    switch (target.kind) {
      case 'grant':
        await this.refreshTokens.revokeGrant(manager, target.grant_id, at);
        await this.withdrawConsent(manager, target.grant_id);
        return;
      case 'refresh_token':
        await this.refreshTokens.revokeToken(manager, target.refresh_token_id, at);
        return;
      case 'session':
        await this.sessions.revoke(manager, target.session_id, at);
        // A logout keeps the session's refresh tokens unless the client asked otherwise, and then
        // issuance revoked them in the logout itself (and each grant comes with its grant.revoked).
        if (sessionRevocationEndsTokens(payload))
          await this.refreshTokens.revokeSession(manager, target.session_id, at);
        return;
      case 'subject':
        await this.sessions.revokeUserBefore(manager, target.sub, target.not_before, at);
        await this.refreshTokens.revokeSubjectBefore(manager, target.sub, target.not_before, at);
        return;
      case 'client':
        await this.refreshTokens.revokeClientBefore(manager, target.client_id, target.not_before, at);
        return;
      case 'jti':
      case 'signing_key':
        return;
    }
  }

  /**
   * A consent is a grant too (`cgr_…`): revoking it withdraws the consent, so the next /authorize of
   * that third-party client asks the user again; codes it led to and not exchanged yet die with it.
   */
  private async withdrawConsent(manager: EntityManager, grantId: string): Promise<void> {
    const withdrawn = await this.consents.withdraw(manager, grantId);
    if (withdrawn) await this.codes.discardUnused(manager, withdrawn.userId, withdrawn.clientId);
  }
}

/** Access tokens (a jti, or every token of a key) are refused by validators; issuance keeps no state for them. */
function changesIssuanceState(target: RevocationTarget): boolean {
  return target.kind !== 'jti' && target.kind !== 'signing_key';
}
