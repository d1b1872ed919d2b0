import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { KAFKA, type KafkaClient } from '@app/kafka';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { logOfAccount, logOfIssued, logOfRevocation } from './log-event-mapping';
import { LogIngestionService } from './log-ingestion.service';
import type { LogRow } from './log-row';
import { LogStreamSubscriber } from './log-stream.subscriber';

/** The audit stream (`tessera.tokens.issued.v1`): token responses, logins and refusals. */
@Injectable()
export class IssuedTokensLogConsumer extends LogStreamSubscriber<typeof TOPICS.tokensIssued.name> {
  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(AUDIT_CONFIG) config: AuditConfig,
    ingestion: LogIngestionService,
    readiness: ReadinessRegistry,
  ) {
    super(kafka, ingestion, readiness, {
      name: 'audit.tokens-issued',
      topic: TOPICS.tokensIssued.name,
      groupId: `${config.KAFKA_GROUP_PREFIX}.audit.tokens-issued`,
    });
  }

  protected toLog(event: EventOnTopic<typeof TOPICS.tokensIssued.name>): LogRow | null {
    return logOfIssued(event);
  }
}

/** The revocation stream (`tessera.tokens.revoked.v1`): every revocation. */
@Injectable()
export class RevokedTokensLogConsumer extends LogStreamSubscriber<typeof TOPICS.tokensRevoked.name> {
  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(AUDIT_CONFIG) config: AuditConfig,
    ingestion: LogIngestionService,
    readiness: ReadinessRegistry,
  ) {
    super(kafka, ingestion, readiness, {
      name: 'audit.tokens-revoked',
      topic: TOPICS.tokensRevoked.name,
      groupId: `${config.KAFKA_GROUP_PREFIX}.audit.tokens-revoked`,
    });
  }

  protected toLog(event: EventOnTopic<typeof TOPICS.tokensRevoked.name>): LogRow {
    return logOfRevocation(event);
  }
}

/** The accounts topic (`tessera.accounts.v1`): users created, changed, deleted, linked. */
@Injectable()
export class AccountsLogConsumer extends LogStreamSubscriber<typeof TOPICS.accounts.name> {
  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(AUDIT_CONFIG) config: AuditConfig,
    ingestion: LogIngestionService,
    readiness: ReadinessRegistry,
  ) {
    super(kafka, ingestion, readiness, {
      name: 'audit.accounts',
      topic: TOPICS.accounts.name,
      groupId: `${config.KAFKA_GROUP_PREFIX}.audit.accounts`,
    });
  }

  protected toLog(event: EventOnTopic<typeof TOPICS.accounts.name>): LogRow {
    return logOfAccount(event);
  }
}
