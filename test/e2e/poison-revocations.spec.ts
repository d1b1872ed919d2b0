import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRevocationEvent, DEAD_LETTER_HEADERS, revocationKey, TOPICS } from '@app/contracts';
import { aclsFor, ensureAcls, removeTopicAcls } from '@app/kafka';
import { brokerIsSecured, eventually, post, type RunningService, testKafka } from '@app/testing';
import { extraInstancePort, startExtraIntrospection } from './support/extra-introspection';

interface ReadyBody {
  status: string;
  reasons?: Record<string, string>;
  consumers: Record<string, { halted: string | null; dead_lettered: number }>;
}

/**
 * Issue #15 §3 on the running stack: a revocation an introspection instance cannot read (here a
 * newer producer's unknown event type, produced by hand with kafkajs) is dead-lettered, and the
 * instance fails closed — `/health/ready` 503 with the reason, `/oauth/introspect` 503
 * `temporarily_unavailable`, never `active: true` — since it cannot know what that event revoked.
 * It stays so until an operator acts; here by acknowledging the position (TESSERA_ACKNOWLEDGED_POISON)
 * on restart.
 *
 * The instance reads revocations from a topic of this test's own (TESSERA_REVOCATION_TOPIC): poison on
 * the shared revocation topic would halt every validator on the broker, other helpers' included.
 */
describe('a revocation a validator cannot read makes it fail closed', () => {
  const stack = inject('stack');
  const credentials = { client_id: stack.client.clientId, client_secret: stack.client.clientSecret };
  const url = `http://127.0.0.1:${extraInstancePort(stack, 'poison')}`;
  const revocationTopic = `tessera-e2e-poison-${randomBytes(4).toString('hex')}.revoked`;
  const kafka: Kafka = testKafka('e2e-poison', stack.brokers);
  let admin: Admin;
  let producer: Producer;
  let instance: RunningService | undefined;

  const introspect = (token: string) => post(`${url}/oauth/introspect`, { token, ...credentials });
  const ready = async () => {
    const answer = await fetch(`${url}/health/ready`);
    return { status: answer.status, body: (await answer.json()) as ReadyBody };
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: revocationTopic, numPartitions: 1, replicationFactor: 1 }],
    });
    // The instance reads this topic as introspection's principal, as an operator would grant it.
    if (brokerIsSecured()) {
      await ensureAcls(kafka, aclsFor('tessera-introspection', { writes: [], reads: [revocationTopic] }));
    }
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await instance?.stop();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [revocationTopic] }).catch(() => undefined);
    if (brokerIsSecured()) await removeTopicAcls(kafka, revocationTopic).catch(() => undefined);
    await admin?.disconnect();
  });

  it('answers 503 on /health/ready and /oauth/introspect after an unknown revocation type, dead-letters it, and recovers once acknowledged', async () => {
    instance = await startExtraIntrospection(stack, {
      name: 'poison',
      port: 'poison',
      env: { TESSERA_REVOCATION_TOPIC: revocationTopic },
    });
    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      ...credentials,
    });
    expect(issued.status).toBe(200);
    const token = issued.json.access_token as string;
    expect((await introspect(token)).json.active).toBe(true);

    // A newer producer's revocation of a kind this version does not know, in the valid envelope.
    const known = createRevocationEvent(
      {
        target: { kind: 'session', session_id: 's-1' },
        expires_at: null,
        reason: 'admin',
        revoked_by: { kind: 'system' },
        revoked_at: new Date().toISOString(),
      },
      { correlationId: 'e2e-poison' },
    );
    const poison = {
      ...known,
      type: 'device.revoked',
      payload: { ...known.payload, target: { kind: 'device', device_id: 'd-1' } },
    };
    const [sent] = await producer.send({
      topic: revocationTopic,
      acks: -1,
      messages: [{ key: 'device:d-1', value: JSON.stringify(poison) }],
    });
    const position = `${revocationTopic}/0@${sent!.baseOffset}`;

    expect(await eventually(async () => (await ready()).status === 503, 15_000)).toBe(true);
    const notReady = await ready();
    expect(notReady.body.status).toBe('halted');
    expect(notReady.body.reasons?.['token state current']).toContain(`unknown_type at ${position}`);
    // Halted before the dead letter is written (so even a failed produce leaves it not ready); then counted.
    expect(
      await eventually(
        async () => (await ready()).body.consumers['introspection.revocation-list']?.dead_lettered === 1,
        15_000,
      ),
    ).toBe(true);
    expect(notReady.body.consumers['introspection.revocation-list']?.halted).toContain('device.revoked');

    // Fail closed: not `active: true`, a retryable 503 instead.
    const answer = await introspect(token);
    expect(answer.status).toBe(503);
    expect(answer.json.error).toBe('temporarily_unavailable');
    expect(answer.json.active).toBeUndefined();
    expect(answer.headers.get('retry-after')).toBeTruthy();

    // The dead letter: the bytes as produced, where they came from and why.
    const letter = await findDeadLetter(kafka, revocationTopic);
    expect(JSON.parse(letter.value)).toEqual(poison);
    expect(letter.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.partition]: '0',
      [DEAD_LETTER_HEADERS.offset]: sent!.baseOffset,
      [DEAD_LETTER_HEADERS.key]: 'device:d-1',
      [DEAD_LETTER_HEADERS.reason]: 'unknown_type',
      [DEAD_LETTER_HEADERS.consumer]: 'introspection.revocation-list',
    });

    // The operator's way out: the position, inspected and acknowledged, no longer halts a restart.
    await instance.stop();
    instance = undefined;
    instance = await startExtraIntrospection(stack, {
      name: 'poison',
      port: 'poison',
      env: { TESSERA_REVOCATION_TOPIC: revocationTopic, TESSERA_ACKNOWLEDGED_POISON: position },
    });
    expect((await ready()).status).toBe(200);
    expect((await introspect(token)).json.active).toBe(true);
    // And revocations after it apply as ever.
    const revocation = createRevocationEvent(
      {
        target: {
          kind: 'jti',
          jti: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string,
        },
        expires_at: Math.floor(Date.now() / 1000) + 3600,
        reason: 'admin',
        revoked_by: { kind: 'system' },
        revoked_at: new Date().toISOString(),
      },
      { correlationId: 'e2e-poison' },
    );
    await producer.send({
      topic: revocationTopic,
      acks: -1,
      messages: [{ key: revocationKey(revocation.payload.target), value: JSON.stringify(revocation) }],
    });
    expect(await eventually(async () => (await introspect(token)).json.active === false, 15_000)).toBe(true);
  }, 120_000);
});

/** The dead letter of a record read from `topic`, from the shared dead-letter topic. */
async function findDeadLetter(
  kafka: Kafka,
  topic: string,
): Promise<{ value: string; headers: Record<string, string> }> {
  const reader = kafka.consumer({
    groupId: `e2e-poison-dlq-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  let found: { value: string; headers: Record<string, string> } | undefined;
  await reader.connect();
  try {
    await reader.subscribe({ topic: TOPICS.deadLetter.name, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        if (headers[DEAD_LETTER_HEADERS.topic] === topic) {
          found = { value: message.value?.toString('utf8') ?? '', headers };
        }
        return Promise.resolve();
      },
    });
    expect(await eventually(() => Promise.resolve(found !== undefined), 30_000)).toBe(true);
  } finally {
    await reader.disconnect();
  }
  return found!;
}
