import { applyDecorators } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { EventOnTopic, TopicWithEvents } from '@app/contracts';
import type { RetryPolicy } from '../handler-retry';

/**
 * One reader of one Tessera topic, as the handlers that share it declare it (`@OnEvent`):
 * - `shared`: one consumer group (`<groupPrefix>.<name>`) for all instances of the app, so each event
 *   is handled once per app: for effects that must happen once (a projection, a notification) and
 *   that tolerate a redelivery (deduplicate by `event.id`);
 * - `broadcast`: every instance reads the whole topic from the beginning, for state each instance
 *   keeps in memory; the app is not ready (`readiness`) until it has replayed what was there at start.
 */
export interface EventSubscription<T extends TopicWithEvents = TopicWithEvents> {
  /** The consumer's name: in logs, `/health/ready`, `/metrics`, and (shared) its group id. */
  readonly name: string;
  /** The topic it reads (one consumer per subscription; `signing_key.revoked` is on two topics). */
  readonly topic: T;
  readonly mode: 'shared' | 'broadcast';
  /**
   * A `/health/ready` check that holds once the reader has applied everything that was on its topic
   * when it started (the app's own readiness registry; API teams read `caughtUp` themselves).
   */
  readonly readiness?: string;
  /** An event that cannot be decoded halts the reader instead of being skipped (EventStreamOptions). */
  readonly failClosed?: boolean;
  /** How a throwing handler is retried before its event is dead-lettered (shared) or the reader halts. */
  readonly retry?: RetryPolicy;
}

/** The reader of handlers declared with a bare `@EventPattern(type)`: one per topic, named `<name>.<topic>`. */
export type DefaultSubscription = Pick<EventSubscription, 'name' | 'mode' | 'retry'>;

/** What `@OnEvent` leaves in the handler's `@EventPattern` extras, for EventStreamTransport. */
export interface EventPatternExtras {
  readonly subscription: EventSubscription;
}

/**
 * Declares a handler of Tessera events: `@EventPattern` with the reader (`subscription`) in its
 * extras. The handler gets the decoded event (`@Payload()`, the envelope with its `payload`) and where
 * it was read (`@Ctx()`, an EventStreamContext); when it throws, the event is retried and then
 * dead-lettered (shared) or holds the reader (broadcast), as for every Tessera consumer.
 */
export function OnEvent<T extends TopicWithEvents>(
  subscription: EventSubscription<T>,
  ...types: [EventOnTopic<T>['type'], ...EventOnTopic<T>['type'][]]
) {
  const extras: EventPatternExtras = { subscription };
  return applyDecorators(EventPattern(types.length === 1 ? types[0] : types, extras));
}
