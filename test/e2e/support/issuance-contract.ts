import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { createClient } from 'redis';
import {
  accessTokenIssued,
  identityLinked,
  loginSessionStarted,
  redisKeys,
  refreshTokenIssued,
  refreshTokenReuseDetected,
  refreshTokenRotated,
  TOPICS,
  userDeleted,
  type OpaqueTokenRecord,
} from '@app/contracts';
import { testKafka } from '@app/testing';

type RedisClient = ReturnType<typeof createClient>;

/**
 * What issuance does for refresh and opaque tokens, done by hand through the real contract (until
 * issuance issues them): events on the real topics, records in the real shared Redis store.
 */
export class IssuanceContract {
  private constructor(
    private readonly producer: Producer,
    readonly redis: RedisClient,
  ) {}

  static async connect(brokers: string[]): Promise<IssuanceContract> {
    const kafka = testKafka('tessera-test-issuance', brokers);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const redis: RedisClient = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    return new IssuanceContract(producer, redis);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.redis.quit();
  }

  async publish(topic: string, key: string, event: { id: string }): Promise<void> {
    await this.producer.send({ topic, messages: [{ key, value: JSON.stringify(event) }] });
  }

  /** Stores an opaque token as issuance does: record by hash, hash in its grant's set. Returns the token. */
  async storeOpaque(record: OpaqueTokenRecord): Promise<{ token: string; hash: string }> {
    const token = randomBytes(32).toString('base64url');
    const hash = createHash('sha256').update(token).digest('hex');
    await this.redis.set(redisKeys.opaqueToken(hash), JSON.stringify(record), {
      expiration: { type: 'EX', value: Math.max(1, record.exp - now()) },
    });
    await this.redis.sAdd(redisKeys.grantOpaqueTokens(record.grant_id), hash);
    return { token, hash };
  }

  async isStored(hash: string): Promise<boolean> {
    return (await this.redis.exists(redisKeys.opaqueToken(hash))) === 1;
  }

  /**
   * A user's grant as issuance would start it: a login session, a refresh token, an opaque access token
   * and a JWT access token (its jti only: the registry never sees the JWT), all events published and
   * both opaque tokens stored.
   */
  async startGrant(options: {
    clientId: string;
    userId?: string;
    rotating?: boolean;
    device?: string;
    /** When issuance issued it (default now): earlier for a grant the audit stream reports late. */
    issuedAt?: number;
  }) {
    const ids = {
      grantId: `gr_${randomUUID()}`,
      sessionId: `sess_${randomUUID()}`,
      userId: options.userId ?? `auth0|${randomUUID()}`,
      refreshTokenId: `rt_${randomUUID()}`,
      opaqueJti: `at_${randomUUID()}`,
      jwtJti: `jwt_${randomUUID()}`,
    };
    const issuedAt = options.issuedAt ?? now();
    const audience = ['https://api.example.test/'];
    const context = { correlationId: randomUUID() };
    const session = loginSessionStarted.create(
      {
        session_id: ids.sessionId,
        user_id: ids.userId,
        connection: 'Username-Password-Authentication',
        client_id: options.clientId,
        authenticated_at: issuedAt,
        expires_at: issuedAt + 3600,
        idle_expires_at: issuedAt + 1800,
        user_agent: 'vitest',
        ip: '127.0.0.1',
        log_type: 's',
      },
      context,
    );
    const refresh = refreshTokenIssued.create(
      {
        refresh_token_id: ids.refreshTokenId,
        grant_id: ids.grantId,
        client_id: options.clientId,
        sub: ids.userId,
        aud: audience,
        scope: 'openid offline_access read:things',
        grant_type: 'password',
        session_id: ids.sessionId,
        rotating: options.rotating ?? true,
        device: options.device,
        issued_at: issuedAt,
        expires_at: issuedAt + 86_400,
        idle_expires_at: issuedAt + 3600,
        log_type: 'sepft',
      },
      context,
    );
    const accessToken = (jti: string, format: 'jwt' | 'opaque') =>
      accessTokenIssued.create(
        {
          jti,
          grant_id: ids.grantId,
          client_id: options.clientId,
          sub: ids.userId,
          aud: audience,
          scope: 'openid offline_access read:things',
          grant_type: 'password',
          format,
          session_id: ids.sessionId,
          issued_at: issuedAt,
          expires_at: issuedAt + 600,
          log_type: 'sepft',
        },
        context,
      );
    await this.publish(TOPICS.tokensIssued.name, ids.sessionId, session);
    await this.producer.send({
      topic: TOPICS.tokensIssued.name,
      messages: [refresh, accessToken(ids.opaqueJti, 'opaque'), accessToken(ids.jwtJti, 'jwt')].map(
        (event) => ({ key: ids.grantId, value: JSON.stringify(event) }),
      ),
    });
    const base = {
      client_id: options.clientId,
      sub: ids.userId,
      grant_id: ids.grantId,
      scope: 'openid offline_access read:things',
      aud: audience,
      session_id: ids.sessionId,
      iat: issuedAt,
    };
    const refreshToken = await this.storeOpaque({
      ...base,
      jti: ids.refreshTokenId,
      kind: 'refresh_token',
      exp: issuedAt + 86_400,
    });
    const opaqueAccessToken = await this.storeOpaque({
      ...base,
      jti: ids.opaqueJti,
      kind: 'access_token',
      exp: issuedAt + 600,
    });
    return { ...ids, refreshToken, opaqueAccessToken, issuedAt };
  }

  /** A JWT access token of a grant reported on the audit stream (e.g. late, after a revocation). */
  async reportJwt(grant: { grantId: string; userId: string; sessionId: string }, clientId: string) {
    const event = accessTokenIssued.create(
      {
        jti: `jwt_${randomUUID()}`,
        grant_id: grant.grantId,
        client_id: clientId,
        sub: grant.userId,
        aud: ['https://api.example.test/'],
        scope: 'read:things',
        grant_type: 'refresh_token',
        format: 'jwt',
        session_id: grant.sessionId,
        issued_at: now(),
        expires_at: now() + 600,
        log_type: 'sertft',
      },
      { correlationId: randomUUID() },
    );
    await this.publish(TOPICS.tokensIssued.name, grant.grantId, event);
    return event;
  }

  /** A rotation of the grant's refresh token, as issuance reports it: the family's latest token is new. */
  async reportRotation(
    grant: { grantId: string; userId: string; sessionId: string; refreshTokenId: string },
    clientId: string,
  ) {
    const issuedAt = now();
    const event = refreshTokenRotated.create(
      {
        refresh_token_id: `rt_${randomUUID()}`,
        previous_refresh_token_id: grant.refreshTokenId,
        grant_id: grant.grantId,
        client_id: clientId,
        sub: grant.userId,
        aud: ['https://api.example.test/'],
        scope: 'openid offline_access read:things',
        grant_type: 'refresh_token',
        session_id: grant.sessionId,
        rotating: true,
        issued_at: issuedAt,
        expires_at: issuedAt + 86_400,
        idle_expires_at: issuedAt + 3600,
        log_type: 'sertft',
      },
      { correlationId: randomUUID() },
    );
    await this.publish(TOPICS.tokensIssued.name, grant.grantId, event);
    return event.payload.refresh_token_id;
  }

  async reportReuse(grant: { grantId: string; userId: string; refreshTokenId: string }, clientId: string) {
    const event = refreshTokenReuseDetected.create(
      {
        refresh_token_id: grant.refreshTokenId,
        grant_id: grant.grantId,
        client_id: clientId,
        sub: grant.userId,
        detected_at: now(),
        log_type: 'ferrt',
      },
      { correlationId: randomUUID() },
    );
    await this.publish(TOPICS.tokensIssued.name, grant.grantId, event);
    return event;
  }

  async reportLinked(primaryUserId: string, secondaryUserId: string) {
    const event = identityLinked.create(
      {
        primary_user_id: primaryUserId,
        secondary_user_id: secondaryUserId,
        provider: 'google-oauth2',
        identity_user_id: secondaryUserId.split('|')[1] ?? secondaryUserId,
        connection: 'google-oauth2',
      },
      { correlationId: randomUUID() },
    );
    await this.publish(TOPICS.accounts.name, primaryUserId, event);
    return event;
  }

  async reportDeleted(userId: string) {
    const event = userDeleted.create(
      {
        user_id: userId,
        email: null,
        email_verified: false,
        name: null,
        nickname: null,
        picture: null,
        given_name: null,
        family_name: null,
        blocked: false,
        identities: [],
        updated_at: new Date().toISOString(),
      },
      { correlationId: randomUUID() },
    );
    await this.publish(TOPICS.accounts.name, userId, event);
    return event;
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
