import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA } from '@app/kafka';
import { AccessTokenVerifier } from './access-token-verifier';
import { JwksFetcher } from './jwks-fetcher';
import { RevocationList } from './revocation-list';
import { RevocationStream } from './revocation-stream';
import { TokenStateGate } from './token-state-gate';
import { VerificationKeySet } from './verification-key-set';

export interface TokenVerificationOptions {
  readonly issuer: string;
  /** The issuer's JWKS, fetched only for a kid no event has announced yet. */
  readonly jwksUrl: string;
  readonly consumerName: string;
  readonly maxTokenLength?: number;
  /** See TokenStateGate; `TESSERA_MAX_STREAM_LAG_SECONDS`. */
  readonly maxStreamLagMs?: number;
  /** Undecodable records not to halt on (`TESSERA_ACKNOWLEDGED_POISON`; EventStreamOptions.acknowledged). */
  readonly acknowledgedPoison?: readonly string[];
  /** The revocation topic to read when not the contract's (an isolated test; `TESSERA_REVOCATION_TOPIC`). */
  readonly revocationTopic?: string;
}

/** Reads every signing-key event into this instance's key set, and is ready once it has replayed them. */
@Injectable()
class SigningKeyStream extends EventStreamSubscriber<typeof TOPICS.signingKeys.name> {
  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly keys: VerificationKeySet,
    readiness: ReadinessRegistry,
    gate: TokenStateGate,
    @Inject('TOKEN_VERIFICATION_OPTIONS') options: TokenVerificationOptions,
  ) {
    super(kafka, {
      name: `${options.consumerName}.signing-keys`,
      topic: TOPICS.signingKeys.name,
      mode: { kind: 'broadcast' },
      // Issue #15 §3: a key event this instance cannot read leaves it not knowing which keys are
      // revoked, so it halts (not ready) rather than skip it.
      failClosed: true,
      acknowledged: new Set(options.acknowledgedPoison ?? []),
    });
    readiness.register('signing-keys replayed', () => this.caughtUp);
    gate.register('signing keys', this);
  }

  protected handle(event: EventOnTopic<typeof TOPICS.signingKeys.name>): Promise<void> {
    this.keys.apply(event.payload);
    return Promise.resolve();
  }
}

/**
 * Verification of Tessera JWTs for a service: key set (signing-key stream + JWKS fallback), verifier,
 * and the revocation list replayed from the revocation stream — every validator honours revocations.
 */
@Global()
@Module({})
export class TokenVerificationModule {
  static forRoot(options: TokenVerificationOptions): DynamicModule {
    return {
      module: TokenVerificationModule,
      providers: [
        { provide: 'TOKEN_VERIFICATION_OPTIONS', useValue: options },
        VerificationKeySet,
        TokenStateGate,
        {
          provide: AccessTokenVerifier,
          useFactory: (keys: VerificationKeySet) =>
            new AccessTokenVerifier(keys, new JwksFetcher(options.jwksUrl), {
              issuer: options.issuer,
              maxLength: options.maxTokenLength,
            }),
          inject: [VerificationKeySet],
        },
        SigningKeyStream,
        RevocationList,
        RevocationStream,
      ],
      exports: [VerificationKeySet, AccessTokenVerifier, RevocationList, TokenStateGate],
    };
  }
}
