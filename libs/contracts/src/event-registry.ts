import { z } from 'zod';
import type { DeadLetterReason } from './dead-letter';
import { SUPPORTED_MAJOR_VERSION } from './envelope';
import { accountEvents } from './events/accounts';
import { clientEvents } from './events/clients';
import { signingKeyEvents } from './events/signing-keys';
import { tokensIssuedEvents } from './events/tokens-issued';
import { tokensRevokedEvents } from './events/tokens-revoked';
import { TOPICS } from './topics';

/** Which events travel on which topic: consumers parse with the union of their topic's schemas. */
export const eventsByTopic = {
  [TOPICS.tokensIssued.name]: tokensIssuedEvents,
  [TOPICS.tokensRevoked.name]: tokensRevokedEvents,
  [TOPICS.signingKeys.name]: signingKeyEvents,
  [TOPICS.clients.name]: clientEvents,
  [TOPICS.accounts.name]: accountEvents,
} as const;

export type TopicWithEvents = keyof typeof eventsByTopic;
export type EventOnTopic<T extends TopicWithEvents> = z.output<(typeof eventsByTopic)[T][number]['schema']>;

/** Parses a raw event value from a topic; returns null for anything that is not a known, valid event. */
export function parseEvent<T extends TopicWithEvents>(topic: T, value: unknown): EventOnTopic<T> | null {
  for (const definition of eventsByTopic[topic]) {
    const parsed = definition.schema.safeParse(value);
    if (parsed.success) return parsed.data as EventOnTopic<T>;
  }
  return null;
}

/** What a consumer makes of a record's value: the event, or why it cannot apply it. */
export type DecodedEvent<T extends TopicWithEvents> =
  | { readonly ok: true; readonly event: EventOnTopic<T> }
  | {
      readonly ok: false;
      readonly reason: Exclude<DeadLetterReason, 'handler_failed'>;
      /** Names what was wrong (a type, a field path), never a field's value. */
      readonly detail: string;
    };

const MAX_DETAIL_ISSUES = 3;

/**
 * Decodes a record's bytes for `topic` and, when it is not an event this consumer can apply, says
 * why: a newer producer's unknown type or major version is told apart from garbage, so an operator
 * knows whether to upgrade the consumer or fix the producer. Fields a newer minor version added are
 * ignored (zod strips unknown keys), so such an event is applied, not refused.
 */
export function decodeEvent<T extends TopicWithEvents>(topic: T, bytes: Buffer): DecodedEvent<T> {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'unparseable', detail: `not JSON: ${(error as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'unparseable', detail: 'not a JSON object' };
  }
  const { type, version } = json as { type?: unknown; version?: unknown };
  if (typeof type !== 'string') return { ok: false, reason: 'unparseable', detail: 'no string "type"' };
  if (version !== SUPPORTED_MAJOR_VERSION) {
    return {
      ok: false,
      reason: 'unknown_major_version',
      detail: `${type} version ${JSON.stringify(version)?.slice(0, 20)}; this consumer knows version ${SUPPORTED_MAJOR_VERSION}`,
    };
  }
  const definition = eventsByTopic[topic].find((candidate) => candidate.type === type);
  if (!definition) {
    return { ok: false, reason: 'unknown_type', detail: `${type.slice(0, 100)} is not an event of ${topic}` };
  }
  const parsed = definition.schema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data as EventOnTopic<T> };
  const issues = parsed.error.issues
    .slice(0, MAX_DETAIL_ISSUES)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
  return { ok: false, reason: 'schema_mismatch', detail: `${type}: ${issues.join('; ')}` };
}

/** Every event type Tessera publishes, e.g. `session.revoked`. */
export type TesseraEventType = {
  [T in TopicWithEvents]: EventOnTopic<T>['type'];
}[TopicWithEvents];

/**
 * The event (envelope and payload) of one type, e.g. `TesseraEvent<'session.revoked'>`. Of a type two
 * topics carry (`signing_key.revoked`), the union of both: name the topic with `EventOnTopic` instead.
 */
export type TesseraEvent<K extends TesseraEventType> = {
  [T in TopicWithEvents]: Extract<EventOnTopic<T>, { type: K }>;
}[TopicWithEvents];

/** The event types a topic carries. */
export function eventTypesOn(topic: TopicWithEvents): readonly string[] {
  return eventsByTopic[topic].map((event) => event.type);
}

/** The topics that carry events of `type`: none for an unknown type, two for `signing_key.revoked`. */
export function topicsOfEventType(type: string): TopicWithEvents[] {
  return (Object.keys(eventsByTopic) as TopicWithEvents[]).filter((topic) =>
    eventTypesOn(topic).includes(type),
  );
}
