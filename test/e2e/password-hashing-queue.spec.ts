import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { post, startStack, type HttpResult, type Stack, type StackInfo } from '@app/testing';
import { accountLinking } from './support/account-linking-api';
import { Browser, formFields, type BrowserResponse } from './support/browser';
import { authorizeRequest, browserAppSetup, type BrowserApp } from './support/hosted-login';
import { managementToken } from './support/management-api';
import { passwordGrantSetup } from './support/password-app';

const PASSWORD = 'Correct-Horse-7';
/** The address the user logs in from (TEST-NET-3); the flood comes from TEST-NET-2. */
const OWNER_IP = '203.0.113.7';

/**
 * The bounded password-hashing queue (security review #3, docs/adr/0013) filled for real: a stack of
 * its own (issuance and account-linking) whose account-linking hashes one password at a time with
 * two places per lane, driven by a flood of concurrent wrong passwords from many addresses. The
 * shared e2e stack keeps the default bounds; this one runs on ports 5 and 8 of this run's range,
 * which no other file uses while this one runs (files run one at a time).
 */
describe('password hashing under a flood of wrong passwords', () => {
  const shared = inject('stack');
  const run = randomBytes(4).toString('hex');
  const email = `flooded-${run}@example.test`;
  let stack: Stack;
  let info: StackInfo;
  let adminToken: string;
  let client: { client_id: string; client_secret: string };
  let userId: string;
  let app: BrowserApp;

  const passwordGrant = (username: string, password: string, ip: string) =>
    post(
      `${info.urls.issuance}/oauth/token`,
      { grant_type: 'password', username, password, ...client },
      { headers: { 'x-forwarded-for': ip } },
    );

  /** `workers` clients, each sending wrong passwords one after another from addresses of its own. */
  const flood = (workers: number) => {
    let stopped = false;
    const answers: HttpResult[] = [];
    const worker = async (id: number) => {
      for (let sent = 0; !stopped; sent += 1) {
        // A different address every time, and mostly unknown users (decoy hashes): no per-account or
        // per-address counter ever comes near its limit, so only the queue answers 503.
        const ip = `198.51.100.${(id * 31 + sent) % 250}`;
        const username = sent % 4 === 0 ? email : `nobody-${run}-${id}-${sent}@example.test`;
        answers.push(await passwordGrant(username, `wrong-${sent}`, ip));
      }
    };
    const done = Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
    return {
      answers,
      async stop() {
        stopped = true;
        await done;
        return answers;
      },
    };
  };

  beforeAll(async () => {
    const basePort = Number(new URL(shared.urls.issuance).port);
    stack = await startStack({
      repoRoot: resolve(process.cwd()),
      databaseUrl: shared.databaseUrl,
      // issuance on basePort + 5, account-linking on basePort + 8 (offsets 0 and 3 of this stack).
      basePort: basePort + 5,
      only: ['issuance', 'account-linking'],
      instanceSuffix: 'hash-queue',
      env: {
        TESSERA_PASSWORD_HASH_CONCURRENCY: '1',
        TESSERA_PASSWORD_HASH_QUEUE: '2',
        TESSERA_PASSWORD_HASH_PRIORITY_QUEUE: '2',
      },
    });
    info = stack.info;
    adminToken = await managementToken(info);
    ({ client, userId } = await passwordGrantSetup(info, adminToken, {
      label: 'Hash queue',
      run,
      audience: `https://hash-queue-${run}.example.test/`,
      email,
      password: PASSWORD,
    }));
    ({ app } = await browserAppSetup(info, adminToken, {
      label: 'HashQueue',
      run,
      email: `browser-${run}@example.test`,
      password: PASSWORD,
    }));
    // The owner logs in once, from their own address: it becomes the user's last_ip.
    const first = await passwordGrant(email, PASSWORD, OWNER_IP);
    expect(first.status, first.text).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("records the address of a successful login as the user's last_ip", async () => {
    const user = await accountLinking(info, adminToken, 'GET', `/api/v2/users/${encodeURIComponent(userId)}`);
    expect(user.status, user.text).toBe(200);
    expect(user.json).toMatchObject({ last_ip: OWNER_IP, logins_count: 1 });
  });

  it('answers the overflow 503 temporarily_unavailable with Retry-After, never a 500, while the owner logs in from their last address', async () => {
    const load = flood(8);
    const owner: HttpResult[] = [];
    for (let i = 0; i < 3; i += 1) owner.push(await passwordGrant(email, PASSWORD, OWNER_IP));
    // Keep flooding until the queue has refused at least a handful (bounded by the flood's own pace).
    while (load.answers.filter((answer) => answer.status === 503).length < 5 && load.answers.length < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answers = await load.stop();

    for (const answer of owner) expect(answer.status, answer.text).toBe(200);
    const statuses = new Set(answers.map((answer) => answer.status));
    expect([...statuses].sort()).toEqual([403, 503]);
    for (const answer of answers) {
      if (answer.status === 403) expect(answer.json).toMatchObject({ error: 'invalid_grant' });
      if (answer.status !== 503) continue;
      expect(answer.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    }
  });

  it('answers the login page 503 with Retry-After and the form again when the queue is full', async () => {
    const browser = new Browser(info.urls.issuance, info.issuer);
    const start = await browser.get(authorizeRequest(app).path);
    expect(start.status, start.html).toBe(302);
    let form = await browser.get(start.location!);
    expect(form.status, form.html).toBe(200);
    const load = flood(8);
    let busy: BrowserResponse | undefined;
    // The browser's address is not the user's last_ip: its check waits in the normal lane, which the
    // flood keeps full most of the time. A handful of tries meets it full.
    for (let attempt = 0; attempt < 50 && !busy; attempt += 1) {
      const answer = await browser.postForm('/u/login', {
        ...formFields(form.html),
        // Unknown users, so no per-account counter comes into play: only the queue's bound.
        username: `nobody-browser-${run}-${attempt}@example.test`,
        password: 'not-the-password',
      });
      if (answer.status === 503) busy = answer;
      else {
        expect(answer.status, answer.html).toBe(400);
        form = answer;
      }
    }
    const answers = await load.stop();
    expect(answers.every((answer) => answer.status === 403 || answer.status === 503)).toBe(true);
    expect(busy, 'no login attempt met a full queue').toBeDefined();
    expect(busy!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(busy!.html).toContain('Please try again in a few seconds.');
    expect(formFields(busy!.html)).toHaveProperty('state');
  });
});
