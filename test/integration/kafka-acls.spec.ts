import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import {
  consumerGroupId,
  createKafka,
  localKafkaEnv,
  kafkaSecurityFrom,
  type KafkaSecurity,
} from '@app/kafka';
import {
  addTestSubscriber,
  brokerIsSecured,
  removeTestSubscriber,
  testBrokers,
  testKafka,
} from '@app/testing';

/**
 * The broker is a trust boundary (issue #20): on the secured broker `npm test` runs, nobody without a
 * login gets in, and each principal does only what its ACLs allow. On main before this, anyone who
 * reached 127.0.0.1:9092 could publish a signing key.
 */
const repoRoot = process.cwd();
const run = randomBytes(4).toString('hex');
const brokers = testBrokers();
const AUTHORIZATION_REFUSED = /not authorized|authorization failed|TOPIC_AUTHORIZATION_FAILED/i;
// kafkajs reports a group ACL refusal on FindCoordinator as "Failed to find group coordinator".
const GROUP_REFUSED = /group authorization failed|not authorized|group coordinator/i;

const clientOf = (security: KafkaSecurity, clientId: string): Kafka =>
  createKafka({ brokers, clientId, security, quiet: true });
const service = (name: string): Kafka =>
  clientOf(kafkaSecurityFrom(localKafkaEnv(repoRoot, name)), `itest-acl-${name}-${run}`);

async function produce(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: `acl-test-${run}`, value: 'not an event' }] });
  } finally {
    await producer.disconnect();
  }
}

/** Joins a group and reads the topic's first batch (or times out empty): resolves once it has joined. */
async function joinAndRead(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    });
    await consumer.run({ eachMessage: () => Promise.resolve() });
    await joined;
  } finally {
    await consumer.disconnect();
  }
}

describe.skipIf(!brokerIsSecured())('Kafka as a trust boundary: logins and ACLs', () => {
  const subscriber = `itest-sub-${run}`;
  let subscriberSecurity: KafkaSecurity;

  beforeAll(() => {
    subscriberSecurity = addTestSubscriber(repoRoot, subscriber).security;
  });
  afterAll(() => {
    removeTestSubscriber(repoRoot, subscriber);
  });

  it('refuses a client without TLS and SASL, and a wrong password', async () => {
    const anonymous = createKafka({ brokers, clientId: `itest-anon-${run}`, quiet: true });
    const admin = anonymous.admin({ retry: { retries: 0 } });
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await admin.disconnect();

    const security = kafkaSecurityFrom(localKafkaEnv(repoRoot, 'tessera-introspection'));
    if (security.protocol !== 'sasl_ssl') throw new Error('expected a secured broker');
    const impostor = clientOf({ ...security, password: 'not-the-password' }, `itest-impostor-${run}`);
    const impostorAdmin = impostor.admin({ retry: { retries: 0 } });
    await expect(impostorAdmin.connect()).rejects.toThrow(/SASL|authentication/i);
    await impostorAdmin.disconnect();
  });

  it('lets only issuance publish a signing key (on main: anyone who reached the broker could)', async () => {
    await expect(produce(service('tessera-introspection'), TOPICS.signingKeys.name)).rejects.toThrow(
      AUTHORIZATION_REFUSED,
    );
    await expect(produce(service('tessera-revocation'), TOPICS.signingKeys.name)).rejects.toThrow(
      AUTHORIZATION_REFUSED,
    );
    await expect(
      produce(clientOf(subscriberSecurity, `itest-sub-${run}`), TOPICS.signingKeys.name),
    ).rejects.toThrow(AUTHORIZATION_REFUSED);
    // What a service was granted it may write (the e2e tier shows issuance publishing its keys).
    await expect(produce(service('tessera-issuance'), TOPICS.deadLetter.name)).resolves.toBeUndefined();
  });

  it('lets only revocation publish a revocation, and only account-linking a user', async () => {
    await expect(produce(service('tessera-issuance'), TOPICS.tokensRevoked.name)).rejects.toThrow(
      AUTHORIZATION_REFUSED,
    );
    await expect(produce(service('tessera-introspection'), TOPICS.accounts.name)).rejects.toThrow(
      AUTHORIZATION_REFUSED,
    );
    await expect(produce(service('tessera-audit'), TOPICS.tokensIssued.name)).rejects.toThrow(
      AUTHORIZATION_REFUSED,
    );
  });

  it('lets a subscriber read the public streams in its own groups, and nothing else', async () => {
    const kafka = clientOf(subscriberSecurity, `itest-sub-reader-${run}`);
    await expect(
      joinAndRead(kafka, consumerGroupId(kafka, `reader-${run}`), TOPICS.tokensRevoked.name),
    ).resolves.toBeUndefined();
    // Another principal's group namespace: refused, so nobody can take a service's partitions.
    await expect(
      joinAndRead(kafka, `tessera-revocation.stolen-${run}`, TOPICS.tokensRevoked.name),
    ).rejects.toThrow(GROUP_REFUSED);
    // A topic it was not granted.
    await expect(
      joinAndRead(kafka, consumerGroupId(kafka, `accounts-${run}`), TOPICS.accounts.name),
    ).rejects.toThrow(AUTHORIZATION_REFUSED);
    await expect(produce(kafka, TOPICS.tokensRevoked.name)).rejects.toThrow(AUTHORIZATION_REFUSED);
  });

  it('refuses a removed subscriber at once', async () => {
    const name = `itest-gone-${run}`;
    const { security } = addTestSubscriber(repoRoot, name);
    removeTestSubscriber(repoRoot, name);
    const admin = clientOf(security, `itest-gone-${run}`).admin({ retry: { retries: 0 } });
    await expect(admin.connect()).rejects.toThrow(/SASL|authentication/i);
    await admin.disconnect();
  });

  it('lets the admin (provisioning, the tests) do anything', async () => {
    await expect(produce(testKafka(`itest-admin-${run}`), TOPICS.deadLetter.name)).resolves.toBeUndefined();
  });
});
