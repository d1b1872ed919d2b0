import { jwksSettings } from '@app/config';
import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule } from '@app/http';
import { TokenVerificationModule, VerificationKeySet } from '@app/jwt';
import { kafkaSecurityFrom, KafkaModule } from '@app/kafka';
import { REDIS, RedisAssertionReplayGuard, RedisModule, type RedisClient } from '@app/redis';
import {
  ClientAssertionVerifier,
  ClientAuthenticator,
  ClientConfirmations,
  clientAssertionAudiences,
} from '@app/oauth';
import { IntrospectionCallerAuthenticator } from './callers/introspection-caller';
import { InMemoryClientDirectory } from './clients/client-directory';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from './config/introspection.config';
import { IntrospectRoute } from './introspect/introspect.route';
import { IntrospectionService } from './introspect/introspection.service';
import { SignedIntrospection } from './introspect/signed-introspection';
import { LiveTokenResolver } from './tokens/live-token-resolver';
import { IntrospectionMetrics } from './metrics/introspection-metrics';
import { VerifiedTokenCache } from './tokens/verified-token-cache';
import { ProfileDirectory } from './profiles/profile-directory';
import { TokenInfoController } from './userinfo/tokeninfo.controller';
import { TokenInfoService } from './userinfo/tokeninfo.service';
import { UserInfoController } from './userinfo/userinfo.controller';
import { UserInfoService } from './userinfo/userinfo.service';
import { OpaqueTokenRepository } from './opaque/opaque-token.repository';

/**
 * Introspection: stateless token validation that scales out on its own (DESIGN §1). Everything it
 * knows — keys, clients, revocations — it rebuilds in memory from Kafka; opaque tokens it reads from
 * the shared opaque-token store in Redis.
 */
@Module({})
export class IntrospectionModule {
  static forConfig(config: IntrospectionConfig): DynamicModule {
    return {
      module: IntrospectionModule,
      imports: [
        HealthModule,
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: 'tessera-introspection',
          security: kafkaSecurityFrom(config),
        }),
        TokenVerificationModule.forRoot({
          issuer: config.TESSERA_ISSUER,
          ...jwksSettings(config),
          consumerName: 'introspection',
          maxStreamLagMs: config.TESSERA_MAX_STREAM_LAG_SECONDS * 1000,
          acknowledgedPoison: config.TESSERA_ACKNOWLEDGED_POISON,
          revocationTopic: config.TESSERA_REVOCATION_TOPIC,
        }),
        // JWT introspection needs no Redis: an instance starts and stays ready while Redis is down,
        // and opaque lookups answer a retryable 503 meanwhile.
        RedisModule.forRoot(config.REDIS_URL, { required: false }),
      ],
      controllers: [UserInfoController, TokenInfoController],
      providers: [
        { provide: INTROSPECTION_CONFIG, useValue: config },
        InMemoryClientDirectory,
        {
          provide: ClientConfirmations,
          useFactory: () => ClientConfirmations.fromIssuance(config),
        },
        {
          provide: ClientAuthenticator,
          // private_key_jwt as at the token endpoint (review #19); with Redis down, an assertion is
          // refused with a retryable 503 (it might be a replay), secrets still work.
          useFactory: (directory: InMemoryClientDirectory, redis: RedisClient) =>
            new ClientAuthenticator(
              directory,
              new ClientAssertionVerifier(
                clientAssertionAudiences(config.TESSERA_ISSUER, 'oauth/introspect'),
                new RedisAssertionReplayGuard(redis),
              ),
            ),
          inject: [InMemoryClientDirectory, REDIS],
        },
        {
          provide: VerifiedTokenCache,
          useFactory: (keys: VerificationKeySet) => new VerifiedTokenCache(keys),
          inject: [VerificationKeySet],
        },
        IntrospectionCallerAuthenticator,
        OpaqueTokenRepository,
        IntrospectionMetrics,
        LiveTokenResolver,
        IntrospectionService,
        SignedIntrospection,
        IntrospectRoute,
        ProfileDirectory,
        UserInfoService,
        TokenInfoService,
      ],
    };
  }
}
