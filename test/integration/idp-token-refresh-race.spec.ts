import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher } from '@app/kafka';
import { Outbox } from '@app/outbox';
import { migrateSchema } from '@app/persistence';
import { SecretBox } from '@app/secrets';
import { createThrowawayDatabase, type ThrowawayDatabase, testKafka } from '@app/testing';
import { ConnectionsRepository } from '../../apps/account-linking/src/connections/connections.repository';
import { ConnectionsService } from '../../apps/account-linking/src/connections/connections.service';
import {
  ACCOUNT_LINKING_SCHEMA,
  accountLinkingDatabase,
} from '../../apps/account-linking/src/database/account-linking-database';
import { IdpTokenVault } from '../../apps/account-linking/src/identities/idp-token-vault';
import { IdpTokensService, identityKey } from '../../apps/account-linking/src/identities/idp-tokens.service';
import { UpstreamAccountsService } from '../../apps/account-linking/src/login/upstream-accounts.service';
import { UpstreamHttpClient } from '../../apps/account-linking/src/upstream/upstream-http.client';
import { OutboundNetworkPolicy } from '@app/http';
import { UpstreamOidcClient } from '../../apps/account-linking/src/upstream/upstream-oidc.client';
import { UsersRepository } from '../../apps/account-linking/src/users/users.repository';

/**
 * A provider's token endpoint that rotates refresh tokens and detects reuse, as Auth0, Okta and
 * oidc-provider do: a refresh token works once; presenting a spent one revokes the whole family.
 * It answers slowly, so concurrent refreshes really overlap.
 */
class RotatingProvider {
  refreshes = 0;
  reuseDetected = false;
  private valid = new Set<string>();
  private server!: Server;
  issuer = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/.well-known/openid-configuration') {
        response.end(
          JSON.stringify({
            issuer: this.issuer,
            authorization_endpoint: `${this.issuer}/authorize`,
            token_endpoint: `${this.issuer}/token`,
            jwks_uri: `${this.issuer}/jwks`,
          }),
        );
        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const presented = new URLSearchParams(body).get('refresh_token') ?? '';
        setTimeout(() => {
          if (!this.valid.delete(presented)) {
            this.reuseDetected = true;
            this.valid.clear();
            response.statusCode = 400;
            response.end('{"error":"invalid_grant"}');
            return;
          }
          this.refreshes++;
          response.end(
            JSON.stringify({
              access_token: `access-${randomBytes(8).toString('hex')}`,
              refresh_token: this.issue(),
              expires_in: 3600,
              token_type: 'Bearer',
            }),
          );
        }, 300);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  issue(): string {
    const token = `refresh-${randomBytes(8).toString('hex')}`;
    this.valid.add(token);
    return token;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Security review #20 on the real PostgreSQL: concurrent reads of an identity whose upstream access
 * token expired spend its refresh token once, within one instance and across two.
 */
describe('identity-provider token refresh under concurrent reads', () => {
  const run = randomUUID().slice(0, 8);
  const connection = `race-${run}`;
  const provider = new RotatingProvider();
  const context = { correlationId: randomUUID() };
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  let users: UsersRepository;
  let accounts: UpstreamAccountsService;
  /** One account-linking instance's service (its own in-process state, the shared database). */
  let instance: () => IdpTokensService;

  beforeAll(async () => {
    await provider.start();
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_idp_${run}`,
    );
    await migrateSchema(accountLinkingDatabase(database.url));
    dataSource = await new DataSource(accountLinkingDatabase(database.url)).initialize();
    const box = SecretBox.fromKeyring({
      TESSERA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TESSERA_ENCRYPTION_KEY_VERSION: 'v1',
      TESSERA_PREVIOUS_ENCRYPTION_KEYS: {},
    });
    // The provider runs on loopback over http: the development setting allows exactly that.
    const policy = new OutboundNetworkPolicy(true);
    const connections = new ConnectionsService(new ConnectionsRepository(dataSource), box, policy);
    await connections.create({
      name: connection,
      strategy: 'oidc',
      options: { issuer: provider.issuer, client_id: 'tessera', client_secret: 'connection-secret' },
    });
    users = new UsersRepository(dataSource);
    const vault = new IdpTokenVault(box);
    const outbox = new Outbox(
      dataSource,
      new EventPublisher(testKafka(`itest-idp-${run}`)),
      ACCOUNT_LINKING_SCHEMA,
    );
    accounts = new UpstreamAccountsService(users, vault, outbox);
    instance = () =>
      new IdpTokensService(
        vault,
        users,
        connections,
        new UpstreamOidcClient(new UpstreamHttpClient(policy), policy),
        outbox,
      );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    await provider.stop();
  });

  /** A user signed in upstream whose access token has just expired, with one valid refresh token. */
  async function expiredIdentity(name: string) {
    const subject = `${name}-${run}`;
    const user = await accounts.signIn(
      {
        connection,
        subject,
        profile: {
          email: null,
          emailVerified: false,
          name,
          nickname: name,
          picture: null,
          givenName: null,
          familyName: null,
        },
        tokens: {
          accessToken: 'expired-access-token',
          refreshToken: provider.issue(),
          expiresAt: new Date(Date.now() - 60_000),
          idToken: undefined,
        },
      },
      context,
    );
    const identity = (await users.identitiesOf([user.userId])).get(user.userId)![0]!;
    return identity;
  }

  const accessTokenOf = (revealed: Map<string, { access_token?: string }>, key: string) =>
    revealed.get(key)?.access_token;

  it('two concurrent reads in one instance share one refresh', async () => {
    const identity = await expiredIdentity('one-instance');
    const before = provider.refreshes;
    const service = instance();
    const [first, second] = await Promise.all([
      service.reveal([identity], context),
      service.reveal([identity], context),
    ]);
    expect(provider.refreshes - before).toBe(1);
    expect(provider.reuseDetected).toBe(false);
    const key = identityKey(identity);
    expect(accessTokenOf(first, key)).toMatch(/^access-/);
    expect(accessTokenOf(second, key)).toBe(accessTokenOf(first, key));
  });

  it('two concurrent reads on two instances spend the refresh token once (the user row is locked)', async () => {
    const identity = await expiredIdentity('two-instances');
    const before = provider.refreshes;
    const [first, second] = await Promise.all([
      instance().reveal([identity], context),
      instance().reveal([identity], context),
    ]);
    expect(provider.reuseDetected).toBe(false);
    expect(provider.refreshes - before).toBe(1);
    const key = identityKey(identity);
    expect(accessTokenOf(first, key)).toMatch(/^access-/);
    expect(accessTokenOf(second, key)).toBe(accessTokenOf(first, key));

    // What is stored is the rotated refresh token, which the provider still honours.
    const stored = (await users.findIdentity(identity.provider, identity.providerUserId))!;
    expect(stored.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('refreshes at most a bounded number of identities per read', async () => {
    const identities = [];
    for (let index = 0; index < 8; index++) identities.push(await expiredIdentity(`page-${index}`));
    const before = provider.refreshes;
    const revealed = await instance().reveal(identities, context);
    expect(provider.refreshes - before).toBe(5);
    // The rest are shown as stored (expired), and a later read refreshes them.
    const stale = identities.filter(
      (identity) => accessTokenOf(revealed, identityKey(identity)) === 'expired-access-token',
    );
    expect(stale).toHaveLength(3);
    expect(provider.reuseDetected).toBe(false);
  });
});
