import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { eventTypesOn, topicsOfEventType, type EventOnTopic, type TopicWithEvents } from '@app/contracts';
import { EventStreamConsumer, type EventMeta } from '../event-stream-consumer';
import type { ConsumerProgress } from '../consumer-progress';
import { TRACE_EVENTS, traceEvent } from '../event-trace';
import { keepStarting } from '../keep-starting';
import { EventStreamContext } from './event-stream-context';
import type { DefaultSubscription, EventPatternExtras, EventSubscription } from './event-subscription';

/** The transport id handlers may name to bind to this transport alone (`@EventPattern(type, TESSERA_EVENTS)`). */
export const TESSERA_EVENTS = Symbol('tessera-events');

type ReadinessAnswer = boolean | { readonly ready: boolean; readonly reason?: string };

export interface EventStreamTransportOptions {
  readonly kafka: Kafka;
  /** Shared subscriptions join the group `<groupPrefix>.<subscription name>` (the name alone without one). */
  readonly groupPrefix?: string;
  /** Where `subscription.readiness` checks go (the service's ReadinessRegistry). */
  readonly readiness?: { register(name: string, probe: () => ReadinessAnswer): void };
  /** The reader of handlers declared with a bare `@EventPattern(type)`, without a subscription. */
  readonly defaultSubscription?: DefaultSubscription;
  /** Undecodable records an operator accepted to go without (`TESSERA_ACKNOWLEDGED_POISON`). */
  readonly acknowledged?: ReadonlySet<string>;
  /** Where dead letters go; `tessera.dead-letter.v1` by default. */
  readonly deadLetterTopic?: string;
  /** Topics to read instead of the contract's (an isolated test on a shared broker). */
  readonly sourceTopics?: Partial<Record<TopicWithEvents, string>>;
}

/** One consumer the transport runs: a subscription and its handlers. */
interface SubscriptionStream {
  readonly subscription: EventSubscription;
  /** Handlers by event type, in the order Nest declared them. */
  readonly handlers: Map<string, MessageHandler[]>;
  readonly logger: Logger;
  consumer?: EventStreamConsumer<TopicWithEvents>;
}

/** What `/metrics` reads of every running reader (StreamMetrics), transport-served ones included. */
export interface StreamReader {
  readonly caughtUp: boolean;
  lagMs(): number;
  readonly description: { name: string; topic: string; progress: ConsumerProgress };
}

/** The readers EventStreamTransports of this process run, for StreamMetrics. */
export const transportStreams = new Set<StreamReader>();

/**
 * A `@nestjs/microservices` custom transport over Tessera's Kafka topics (issue #16 §4), so a Nest
 * app reacts to events with decorated controller methods:
 *
 *   @OnEvent(SESSIONS, 'session.revoked')            // or @EventPattern('session.revoked', { subscription })
 *   ended(@Payload() event: TesseraEvent<'session.revoked'>, @Ctx() where: EventStreamContext) {}
 *
 * It is a router in front of EventStreamConsumer, which does the reading: one consumer per
 * subscription, so what every Tessera consumer guarantees holds here too — records decoded
 * against the contract before a handler sees them, undecodable ones dead-lettered (or halting a
 * `failClosed` reader), throwing handlers retried with backoff then dead-lettered (shared) or
 * retried until they apply (broadcast), nothing committed past an event not handled, broadcast
 * replay from the beginning with readiness once caught up, restarts after a crash.
 * Events one at a time, in partition order; batched and positioned projections stay on
 * EventStreamSubscriber, which hands them whole batches.
 */
export class EventStreamTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = TESSERA_EVENTS;
  private readonly streams = new Map<string, SubscriptionStream>();
  private starting: Promise<void>[] = [];
  private readonly readers: StreamReader[] = [];
  private stopped = false;

  constructor(private readonly options: EventStreamTransportOptions) {
    super();
  }

  /**
   * Called by Nest for every `@EventPattern` of the app's controllers. Refused at start, not at the
   * first event: request-reply patterns (nobody to reply to on a topic), a type no topic carries (a
   * typo would otherwise wait forever), a handler with no subscription, two subscriptions of one name.
   */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras = {}): void {
    const where = `pattern ${JSON.stringify(pattern)}`;
    if (!isEventHandler)
      throw new Error(
        `${where}: Tessera topics carry events and have no reply; use @EventPattern or @OnEvent`,
      );
    if (typeof pattern !== 'string')
      throw new Error(`${where}: the pattern is an event type, e.g. 'session.revoked'`);
    const subscription =
      (extras as Partial<EventPatternExtras>).subscription ?? this.defaultFor(pattern, where);
    if (!eventTypesOn(subscription.topic).includes(pattern))
      throw new Error(
        `${where}: ${subscription.topic} carries no such event (subscription ${subscription.name})`,
      );
    const stream: SubscriptionStream = this.streams.get(subscription.name) ?? {
      subscription,
      handlers: new Map<string, MessageHandler[]>(),
      logger: new Logger(`Subscriber:${subscription.name}`),
    };
    if (stream.subscription.topic !== subscription.topic || stream.subscription.mode !== subscription.mode)
      throw new Error(`${where}: two different subscriptions are named ${subscription.name}`);
    this.streams.set(subscription.name, stream);
    stream.handlers.set(pattern, [...(stream.handlers.get(pattern) ?? []), callback]);
  }

  /** The default subscription's reader of the topic that carries `type`, which must be only one. */
  private defaultFor(type: string, where: string): EventSubscription {
    const base = this.options.defaultSubscription;
    if (!base)
      throw new Error(
        `${where}: no subscription; declare it with @OnEvent(subscription, …) or give a defaultSubscription`,
      );
    const topics = topicsOfEventType(type);
    if (topics.length !== 1) {
      throw new Error(
        topics.length === 0
          ? `${where}: no Tessera topic carries this event type`
          : `${where}: ${topics.join(' and ')} both carry it; name the topic with @OnEvent(subscription, …)`,
      );
    }
    return { ...base, name: `${base.name}.${topics[0]}`, topic: topics[0]! };
  }

  /** Starts a consumer per subscription and topic; Nest's start is not held up by an unreachable broker. */
  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.stopped = false;
    for (const stream of this.streams.values()) {
      const consumer = this.consumerFor(stream);
      stream.consumer = consumer;
      const label = stream.subscription.readiness;
      if (label) {
        this.options.readiness?.register(label, () =>
          consumer.caughtUp
            ? true
            : { ready: false, reason: consumer.haltReason ?? `replaying ${stream.subscription.topic}` },
        );
      }
      const reader: StreamReader = {
        get caughtUp() {
          return consumer.caughtUp;
        },
        lagMs: () => consumer.lagMs(),
        description: {
          name: stream.subscription.name,
          topic: consumer.topicRead,
          progress: consumer.progress,
        },
      };
      transportStreams.add(reader);
      this.readers.push(reader);
      this.starting.push(keepStarting(consumer, stream.logger, () => this.stopped));
    }
    callback();
  }

  /** Resolves once every reader has applied what was on its topic when it started. */
  async whenCaughtUp(): Promise<void> {
    await Promise.all(this.starting);
    await Promise.all(
      [...this.streams.values()].map((stream) => stream.consumer?.whenCaughtUp() ?? Promise.resolve()),
    );
  }

  /** Whether every reader is caught up (and none halted). */
  get caughtUp(): boolean {
    return [...this.streams.values()].every((stream) => stream.consumer?.caughtUp === true);
  }

  /** Stops every reader (Nest calls it when the app closes, before its connections are shut down). */
  async close(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.starting);
    this.starting = [];
    await Promise.all(
      [...this.streams.values()].map((stream) => stream.consumer?.stop() ?? Promise.resolve()),
    );
    for (const reader of this.readers.splice(0)) transportStreams.delete(reader);
  }

  /** Nest's status events; this transport emits none (readiness and /metrics say how it stands). */
  on(): void {}

  /** The consumers, by name. */
  unwrap<T>(): T {
    return new Map([...this.streams].map(([name, stream]) => [name, stream.consumer])) as T;
  }

  private consumerFor(stream: SubscriptionStream): EventStreamConsumer<TopicWithEvents> {
    const { subscription } = stream;
    const { name, topic } = subscription;
    const { sourceTopics, acknowledged, deadLetterTopic, groupPrefix } = this.options;
    return new EventStreamConsumer(this.options.kafka, {
      name,
      topic,
      mode:
        subscription.mode === 'shared'
          ? { kind: 'shared', groupId: groupPrefix ? `${groupPrefix}.${name}` : name }
          : { kind: 'broadcast' },
      handle: (event, meta) => this.dispatch(stream, event, meta),
      ...(subscription.failClosed ? { failClosed: true } : {}),
      ...(subscription.retry ? { retry: subscription.retry } : {}),
      ...(acknowledged ? { acknowledged } : {}),
      ...(deadLetterTopic ? { deadLetterTopic } : {}),
      ...(sourceTopics?.[topic] ? { sourceTopic: sourceTopics[topic] } : {}),
    });
  }

  /**
   * Runs the handlers of the event's type (none: an event this app does not react to). Nest turns a
   * handler's exception into an erroring Observable (the error itself with EventHandlerErrors, else
   * its default filter's `{ message }`); it is awaited and rethrown here, so EventStreamConsumer
   * retries and dead-letters as for any handler.
   */
  private async dispatch(
    stream: SubscriptionStream,
    event: EventOnTopic<TopicWithEvents>,
    meta: EventMeta,
  ): Promise<void> {
    const handlers = stream.handlers.get(event.type) ?? [];
    if (TRACE_EVENTS && handlers.length > 0) traceEvent(stream.logger, event, meta);
    for (const handler of handlers) {
      const context = new EventStreamContext([meta, stream.subscription.name]);
      try {
        const result: unknown = await handler(event, context);
        // Only an Observable (a handler's own, or the one Nest's exception filter returns) needs waiting for.
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      } catch (error) {
        if (error instanceof Error) throw error;
        const message =
          typeof error === 'object' && error && 'message' in error ? String(error.message) : String(error);
        throw new Error(`${stream.subscription.name} handler of ${event.type} failed: ${message}`);
      }
    }
  }
}
