import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { TOPICS, type EventOnTopic } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import { EventStreamSubscriber, KAFKA, type KafkaClient } from '@app/kafka';
import { AccessTokenVerifier } from './access-token-verifier';
import { JwksFetcher } from './jwks-fetcher';
import { JwksKeyConfirmation } from './jwks-key-confirmation';
import { RevocationList } from './revocation-list';
import { RevocationStream } from './revocation-stream';
import { TokenStateGate } from './token-state-gate';
import { VerificationKeySet } from './verification-key-set';

export interface TokenVerificationOptions {
  readonly issuer: string;
  /**
   * The issuer's JWKS over its TLS origin: the only source that makes a signing key trusted
   * (`TESSERA_JWKS_URL`, by default `{issuer}.well-known/jwks.json`; issue #20 §4).
   */
  readonly jwksUrl: string;
  /** Accept an http JWKS URL (`TESSERA_JWKS_ALLOW_HTTP`: development and test stacks; issuance's own loopback). */
  readonly jwksAllowHttp?: boolean;
  /** At most one rate-limited JWKS fetch per interval (`TESSERA_JWKS_MIN_INTERVAL_SECONDS`). */
  readonly jwksMinIntervalMs?: number;
  readonly consumerName: string;
  readonly maxTokenLength?: number;
  /** See TokenStateGate; `TESSERA_MAX_STREAM_LAG_SECONDS`. */
  readonly maxStreamLagMs?: number;
  /** Undecodable records not to halt on (`TESSERA_ACKNOWLEDGED_POISON`; EventStreamOptions.acknowledged). */
  readonly acknowledgedPoison?: readonly string[];
  /** The revocation topic to read when not the contract's (an isolated test; `TESSERA_REVOCATION_TOPIC`). */
  readonly revocationTopic?: string;
}

/**
 * Reads every signing-key event into this instance's key set: revocations at once, new kids as
 * candidates for the JWKS to confirm. Current (TokenStateGate, readiness) once it has replayed the
 * topic and the JWKS has answered once after that, so no key from the replay is trusted unconfirmed
 * and no token signed by a real key is called inactive for want of a first fetch.
 */
@Injectable()
class SigningKeyStream extends EventStreamSubscriber<typeof TOPICS.signingKeys.name> {
  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    private readonly keys: VerificationKeySet,
    private readonly confirmation: JwksKeyConfirmation,
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
    readiness.register('signing-keys replayed', () => super.caughtUp);
    readiness.register('signing keys confirmed by the JWKS', () => this.confirmation.initiallyConfirmed);
    gate.register('signing keys', this);
  }

  override get caughtUp(): boolean {
    return super.caughtUp && this.confirmation.initiallyConfirmed;
  }

  protected handle(event: EventOnTopic<typeof TOPICS.signingKeys.name>): Promise<void> {
    if (this.keys.announce(event.payload)) this.confirmation.onAnnounced();
    return Promise.resolve();
  }

  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    void this.stream.whenCaughtUp().then(() => this.confirmation.confirmReplayed());
  }

  override async beforeApplicationShutdown(): Promise<void> {
    this.confirmation.stop();
    await super.beforeApplicationShutdown();
  }
}

/**
 * Verification of Tessera JWTs for a service: key set (signing-key stream, confirmed by the JWKS), verifier,
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
          provide: JwksKeyConfirmation,
          useFactory: (keys: VerificationKeySet) =>
            new JwksKeyConfirmation(
              keys,
              new JwksFetcher(options.jwksUrl, {
                allowHttp: options.jwksAllowHttp,
                minIntervalMs: options.jwksMinIntervalMs,
              }),
            ),
          inject: [VerificationKeySet],
        },
        {
          provide: AccessTokenVerifier,
          useFactory: (keys: VerificationKeySet, confirmation: JwksKeyConfirmation) =>
            new AccessTokenVerifier(keys, confirmation, {
              issuer: options.issuer,
              maxLength: options.maxTokenLength,
            }),
          inject: [VerificationKeySet, JwksKeyConfirmation],
        },
        SigningKeyStream,
        RevocationList,
        RevocationStream,
      ],
      exports: [VerificationKeySet, JwksKeyConfirmation, AccessTokenVerifier, RevocationList, TokenStateGate],
    };
  }
}
