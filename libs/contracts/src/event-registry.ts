import { z } from 'zod';
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
