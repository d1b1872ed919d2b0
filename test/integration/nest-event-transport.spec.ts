import { randomUUID } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDeleted,
  DEAD_LETTER_HEADERS,
  TOPICS,
  type EventOnTopic,
  type RevocationPayload,
  type TesseraEvent,
} from '@app/contracts';
import {
  EventHandlerErrors,
  EventStreamContext,
  EventStreamTransport,
  OnEvent,
  type EventStreamTransportOptions,
  type EventSubscription,
} from '@app/kafka';
import { eventually, sampleClientUpdated, sampleRevocation, testBrokers, testKafka } from '@app/testing';

/**
 * Issue #16 §4 on the real broker: a Nest app whose controllers declare `@OnEvent` / `@EventPattern`
 * handlers, served by EventStreamTransport through `@nestjs/microservices`. The records travel on
 * topics of this test's own (`sourceTopics`), decoded against the contracts' topics.
 */
const brokers = testBrokers();
const run = randomUUID().slice(0, 8);
const retry = { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 };

interface Seen {
  readonly handler: string;
  readonly id: string;
  readonly type: string;
  readonly topic: string;
  readonly offset: string;
  readonly key: string | null;
  readonly subscription: string;
}

/** What the test's handlers saw, in order, and which client ids make the throwing handler throw. */
const seen: Seen[] = [];
const failFor = new Set<string>();

function record(handler: string, event: { id: string; type: string }, where: EventStreamContext): void {
  seen.push({
    handler,
    id: event.id,
    type: event.type,
    topic: where.getTopic(),
    offset: where.getOffset(),
    key: where.getKey(),
    subscription: where.getSubscription(),
  });
}

const CLIENTS: EventSubscription<typeof TOPICS.clients.name> = {
  name: `itest-transport-${run}.clients`,
  topic: TOPICS.clients.name,
  mode: 'shared',
  readiness: 'clients read',
  retry,
};
const REVOCATIONS: EventSubscription<typeof TOPICS.tokensRevoked.name> = {
  name: `itest-transport-${run}.revocations`,
  topic: TOPICS.tokensRevoked.name,
  mode: 'broadcast',
  readiness: 'revocations replayed',
  retry,
};

@Controller()
class ClientReactions {
  @OnEvent(CLIENTS, 'client.updated')
  updated(@Payload() event: TesseraEvent<'client.updated'>, @Ctx() where: EventStreamContext): void {
    if (failFor.has(event.payload.client_id)) throw new Error(`refusing ${event.payload.client_id}`);
    record('updated', event, where);
  }

  // A second handler of the same type on the same subscription: both run.
  @OnEvent(CLIENTS, 'client.updated')
  async updatedToo(@Payload() event: TesseraEvent<'client.updated'>, @Ctx() where: EventStreamContext) {
    await Promise.resolve();
    record('updated-too', event, where);
  }
}

@Controller()
class RevocationReactions {
  // A bare @EventPattern: the transport's defaultSubscription reads the one topic that carries it.
  @EventPattern('session.revoked')
  sessionEnded(@Payload() event: TesseraEvent<'session.revoked'>, @Ctx() where: EventStreamContext): void {
    record('session', event, where);
  }

  @OnEvent(REVOCATIONS, 'access_token.revoked')
  tokenRevoked(
    @Payload() event: EventOnTopic<typeof TOPICS.tokensRevoked.name>,
    @Ctx() where: EventStreamContext,
  ) {
    record('access-token', event, where);
  }
}

@Module({ controllers: [ClientReactions, RevocationReactions] })
class ReactionsModule {}

@Controller()
class AskingController {
  @MessagePattern('client.updated')
  ask(): string {
    return 'a reply nobody reads';
  }
}

@Module({ controllers: [AskingController] })
class AskingModule {}

@Controller()
class AmbiguousController {
  @EventPattern('signing_key.revoked')
  revoked(): void {}
}

@Module({ controllers: [AmbiguousController] })
class AmbiguousModule {}

@Controller()
class MisspeltController {
  @OnEvent(CLIENTS, 'client.deletd' as 'client.deleted')
  deleted(): void {}
}

@Module({ controllers: [MisspeltController] })
class MisspeltModule {}

describe('Nest event handlers over EventStreamTransport (issue #16 §4)', () => {
  const kafka: Kafka = testKafka(`itest-transport-${run}`, brokers);
  const topics = {
    clients: `itest-transport-${run}-clients`,
    revocations: `itest-transport-${run}-revoked`,
    deadLetters: `itest-transport-${run}-dead-letters`,
  };
  const readiness = new Map<string, () => unknown>();
  let admin: Admin;
  let producer: Producer;
  const apps: INestMicroservice[] = [];

  const options = (): EventStreamTransportOptions => ({
    kafka,
    groupPrefix: `itest-transport-${run}`,
    readiness: { register: (name, probe) => readiness.set(name, probe) },
    defaultSubscription: { name: `itest-transport-${run}.default`, mode: 'shared', retry },
    deadLetterTopic: topics.deadLetters,
    sourceTopics: { [TOPICS.clients.name]: topics.clients, [TOPICS.tokensRevoked.name]: topics.revocations },
  });

  async function startApp(
    module: unknown,
  ): Promise<{ app: INestMicroservice; transport: EventStreamTransport }> {
    const transport = new EventStreamTransport(options());
    const app = await NestFactory.createMicroservice(module as never, { strategy: transport, logger: false });
    app.useGlobalFilters(new EventHandlerErrors());
    apps.push(app);
    await app.listen();
    return { app, transport };
  }

  async function produce(topic: string, key: string, value: string | Buffer): Promise<string> {
    const [metadata] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    return metadata!.baseOffset!;
  }

  const clientEvent = (clientId: string) => sampleClientUpdated(clientId, `itest-${run}`);
  const revocation = (target: RevocationPayload['target']) => sampleRevocation(target, `itest-${run}`);

  async function deadLetters(count: number): Promise<Record<string, string>[]> {
    const found: Record<string, string>[] = [];
    const reader = kafka.consumer({ groupId: `itest-transport-dlq-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic: topics.deadLetters, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        found.push(
          Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        );
        return Promise.resolve();
      },
    });
    await eventually(() => Promise.resolve(found.length >= count), 30_000);
    await reader.disconnect();
    return found;
  }

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('refuses at start what would never be delivered: a request-reply pattern, a type on two topics without a topic, a misspelt type', async () => {
    await expect(startApp(AskingModule)).rejects.toThrow(/carry events and have no reply/);
    await expect(startApp(AmbiguousModule)).rejects.toThrow(/both carry it; name the topic/);
    await expect(startApp(MisspeltModule)).rejects.toThrow(/carries no such event/);
  });

  it('delivers decoded events with where they were read, to every handler of their type; dead-letters what does not decode and what a handler keeps refusing; replays a broadcast topic before it is ready', async () => {
    // Already on the topics before the app starts: the broadcast reader must replay them.
    const earlyToken = revocation({ kind: 'jti', jti: `early-${run}` });
    const earlyOffset = await produce(
      topics.revocations,
      earlyToken.payload.target.kind,
      JSON.stringify(earlyToken),
    );
    const { transport } = await startApp(ReactionsModule);
    expect(readiness.has('clients read')).toBe(true);
    expect(readiness.has('revocations replayed')).toBe(true);
    await transport.whenCaughtUp();
    expect(readiness.get('revocations replayed')!()).toBe(true);
    expect(seen).toContainEqual({
      handler: 'access-token',
      id: earlyToken.id,
      type: 'access_token.revoked',
      topic: topics.revocations,
      offset: earlyOffset,
      key: 'jti',
      subscription: REVOCATIONS.name,
    });

    const first = clientEvent(`first-${run}`);
    const refused = clientEvent(`refused-${run}`);
    failFor.add(refused.payload.client_id);
    const deleted = clientDeleted.create({ client_id: `gone-${run}` }, { correlationId: `itest-${run}` });
    const after = clientEvent(`after-${run}`);
    const session = revocation({ kind: 'session', session_id: `s-${run}` });
    const firstOffset = await produce(topics.clients, first.payload.client_id, JSON.stringify(first));
    await produce(topics.clients, 'garbage', Buffer.from([0xff, 0x00]));
    await produce(topics.clients, refused.payload.client_id, JSON.stringify(refused));
    await produce(topics.clients, 'deleted', JSON.stringify(deleted)); // no handler for it here
    await produce(topics.clients, after.payload.client_id, JSON.stringify(after));
    await produce(topics.revocations, 'session', JSON.stringify(session));

    expect(
      await eventually(
        () => Promise.resolve(seen.some((s) => s.id === after.id && s.handler === 'updated-too')),
        30_000,
      ),
    ).toBe(true);
    expect(await eventually(() => Promise.resolve(seen.some((s) => s.id === session.id)), 30_000)).toBe(true);
    const onClients = seen.filter((s) => s.topic === topics.clients);
    // Both handlers of client.updated, in partition order; nothing of the refused or deleted event.
    expect(onClients.map((s) => [s.handler, s.id])).toEqual([
      ['updated', first.id],
      ['updated-too', first.id],
      ['updated', after.id],
      ['updated-too', after.id],
    ]);
    expect(onClients[0]).toMatchObject({
      offset: firstOffset,
      key: first.payload.client_id,
      subscription: CLIENTS.name,
    });
    // The bare @EventPattern went to the default subscription's reader of the revocation topic.
    expect(seen.find((s) => s.id === session.id)?.subscription).toBe(
      `itest-transport-${run}.default.${TOPICS.tokensRevoked.name}`,
    );

    const letters = await deadLetters(2);
    const reasons = letters.map((headers) => headers[DEAD_LETTER_HEADERS.reason]);
    expect(reasons.sort()).toEqual(['handler_failed', 'unparseable']);
    // The handler's own error, not Nest's "Internal server error" (EventHandlerErrors).
    expect(
      letters.find((headers) => headers[DEAD_LETTER_HEADERS.reason] === 'handler_failed')?.[
        DEAD_LETTER_HEADERS.detail
      ],
    ).toContain(`refusing refused-${run}`);
    expect(letters.every((headers) => headers[DEAD_LETTER_HEADERS.consumer] === CLIENTS.name)).toBe(true);
  });

  it('a shared subscription resumes where its group stood after a restart: no event handled twice, none lost', async () => {
    const stopped = apps.at(-1)!;
    await stopped.close();
    const whileDown = clientEvent(`while-down-${run}`);
    await produce(topics.clients, whileDown.payload.client_id, JSON.stringify(whileDown));
    const before = seen.length;
    const { transport } = await startApp(ReactionsModule);
    await transport.whenCaughtUp();
    expect(await eventually(() => Promise.resolve(seen.some((s) => s.id === whileDown.id)), 30_000)).toBe(
      true,
    );
    const again = seen.slice(before).filter((s) => s.topic === topics.clients);
    expect(again.map((s) => s.id)).toEqual([whileDown.id, whileDown.id]);
  });
});
