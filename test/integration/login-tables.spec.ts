import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSchema } from '@app/persistence';
import { sha256Hex } from '@app/secrets';
import { createThrowawayDatabase, eventually, type ThrowawayDatabase } from '@app/testing';
import { loadIssuanceConfig } from '../../apps/issuance/src/config/issuance.config';
import { issuanceDatabase } from '../../apps/issuance/src/database/issuance-database';
import { AuthorizationCodesRepository } from '../../apps/issuance/src/login/authorization-codes.repository';
import { AuthorizeTransactionsRepository } from '../../apps/issuance/src/login/authorize-transactions.repository';
import { ConsentPromptsRepository } from '../../apps/issuance/src/login/consent/consent-prompts.repository';
import { LoginSessionsRepository } from '../../apps/issuance/src/login/login-sessions.repository';
import { LoginTablesJanitor } from '../../apps/issuance/src/login/login-tables-janitor';

/**
 * Issuance's login tables on the real PostgreSQL: the migration that gave sessions a cookie secret
 * ends every session from before it (review #1: their cookie value was published), and the janitor
 * deletes expired transactions, consent prompts, codes and sessions on its schedule (review #7).
 */
describe('issuance login tables on the real PostgreSQL', () => {
  const run = randomUUID().slice(0, 8);
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  const now = () => Math.floor(Date.now() / 1000);
  const count = async (table: string, where: string, params: unknown[]) =>
    Number(
      (
        await dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM "issuance"."${table}" WHERE ${where}`,
          params,
        )
      )[0]!.n,
    );

  beforeAll(async () => {
    database = await createThrowawayDatabase(
      'postgres://postgres@127.0.0.1:5432/postgres',
      `tessera_i_login_${run}`,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('the session-secrets migration ends the sessions that existed before it', async () => {
    const options = issuanceDatabase(database.url);
    const before = (options.migrations as (new () => { name?: string })[]).filter(
      (migration) =>
        !['SessionSecrets1765100000000', 'LoginExpiryIndexes1765100000001'].includes(migration.name),
    );
    await migrateSchema({ ...options, migrations: before });
    const early = await new DataSource({ ...options, migrations: [] }).initialize();
    await early.query(
      `INSERT INTO "issuance"."login_sessions" ("id", "user_id", "connection", "authenticated_at", "expires_at",
         "idle_expires_at") VALUES ('published-sid', 'auth0|old', 'Username-Password-Authentication', $1, $2, $2)`,
      [now(), now() + 86_400],
    );
    await early.destroy();

    await migrateSchema(options);
    dataSource = await new DataSource(options).initialize();
    const sessions = new LoginSessionsRepository(dataSource);
    expect(await count('login_sessions', `"id" = 'published-sid' AND "revoked_at" IS NOT NULL`, [])).toBe(1);
    // Neither the published id as a cookie nor anything else opens it any more.
    expect(await sessions.findBySecret(sha256Hex('published-sid'), now())).toBeNull();
  });

  it('the janitor deletes expired transactions, consent prompts, codes and sessions on its schedule, and nothing live', async () => {
    const transactions = new AuthorizeTransactionsRepository(dataSource);
    const consentPrompts = new ConsentPromptsRepository(dataSource);
    const codes = new AuthorizationCodesRepository(dataSource);
    const sessions = new LoginSessionsRepository(dataSource);
    const t = now();
    const transaction = (id: string, expiresAt: number) => ({
      id,
      request: {
        clientId: 'client',
        redirectUri: 'https://app.example.test/cb',
        scope: 'openid',
      },
      csrfDigest: sha256Hex(id),
      expiresAt,
    });
    await transactions.insert(transaction(`tx-expired-${run}`, t - 10));
    await transactions.insert(transaction(`tx-live-${run}`, t + 600));
    const prompt = (id: string, expiresAt: number) => ({
      ...transaction(id, expiresAt),
      userId: 'auth0|u',
      sessionDigest: sha256Hex(`session-${id}`),
      audience: 'https://api.example.test/',
      scopes: ['read:notes'],
      csrfDigest: null,
    });
    await consentPrompts.insert(prompt(`cp-expired-${run}`, t - 10));
    await consentPrompts.insert(prompt(`cp-live-${run}`, t + 600));
    const code = (hash: string, expiresAt: number) => ({
      codeHash: hash,
      clientId: 'client',
      redirectUri: 'https://app.example.test/cb',
      userId: 'auth0|u',
      scope: 'openid',
      audience: null,
      nonce: null,
      codeChallenge: null,
      sessionId: 'sid',
      authTime: t,
      grantId: 'gr_x',
      expiresAt,
      usedAt: null,
    });
    // Codes are kept an hour past expiry (a replay then is merely unknown).
    await codes.insert(code(sha256Hex(`code-expired-${run}`), t - 3_700));
    await codes.insert(code(sha256Hex(`code-live-${run}`), t + 300));
    const session = (id: string, expiresAt: number, idleExpiresAt: number) => ({
      id,
      userId: 'auth0|u',
      connection: 'Username-Password-Authentication',
      authenticatedAt: t - 100,
      expiresAt,
      idleExpiresAt,
    });
    await dataSource.transaction(async (manager) => {
      await sessions.insert(manager, session(`s-expired-${run}`, t - 1, t - 1), sha256Hex(randomUUID()));
      await sessions.insert(manager, session(`s-idle-${run}`, t + 86_400, t - 1), sha256Hex(randomUUID()));
      await sessions.insert(
        manager,
        session(`s-live-${run}`, t + 86_400, t + 3_600),
        sha256Hex(randomUUID()),
      );
    });

    const config = loadIssuanceConfig({
      TESSERA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TESSERA_BOOTSTRAP_CLIENT_ID: 'bootstrap-client',
      TESSERA_BOOTSTRAP_CLIENT_SECRET: randomBytes(32).toString('base64url'),
      TESSERA_LOGIN_PRUNE_INTERVAL_SECONDS: '1',
    });
    const janitor = new LoginTablesJanitor(transactions, consentPrompts, codes, sessions, config);
    janitor.onApplicationBootstrap();
    try {
      const swept = async () =>
        (await count('authorize_transactions', `"id" LIKE $1`, [`tx-expired-${run}`])) === 0 &&
        (await count('consent_prompts', `"id" = $1`, [`cp-expired-${run}`])) === 0 &&
        (await count('authorization_codes', `"code_hash" = $1`, [sha256Hex(`code-expired-${run}`)])) === 0 &&
        (await count('login_sessions', `"id" IN ($1, $2)`, [`s-expired-${run}`, `s-idle-${run}`])) === 0;
      expect(await eventually(swept, 10_000, 200)).toBe(true);
    } finally {
      await janitor.beforeApplicationShutdown();
    }
    expect(await count('authorize_transactions', `"id" = $1`, [`tx-live-${run}`])).toBe(1);
    expect(await count('consent_prompts', `"id" = $1`, [`cp-live-${run}`])).toBe(1);
    expect(await count('authorization_codes', `"code_hash" = $1`, [sha256Hex(`code-live-${run}`)])).toBe(1);
    expect(await count('login_sessions', `"id" = $1`, [`s-live-${run}`])).toBe(1);
  });
});
