import type { CollectedMessage, EventCollector } from '@app/testing';

/** How long an event stream may take to catch up with a run once the load stops. */
const DEADLINE_MS = 120_000;
/** Requests the load generator cut off at the end of a run may still be committing. */
const STRAGGLERS_MS = 1_000;

/**
 * Waits until the collector holds at least `expected` matching events (or the deadline passes),
 * lets stragglers in, and returns how many there are and how long the stream took to catch up.
 */
export async function countEvents(
  collector: EventCollector,
  matches: (message: CollectedMessage) => boolean,
  expected: number,
): Promise<{ events: number; waitedMs: number; deadlineMs: number }> {
  const count = () => collector.messages.filter(matches).length;
  const started = Date.now();
  while (count() < expected && Date.now() - started < DEADLINE_MS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const waitedMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, STRAGGLERS_MS));
  return { events: count(), waitedMs, deadlineMs: DEADLINE_MS };
}

/** The envelope fields the bench looks at (libs/contracts has the full schemas). */
export function envelopeOf(message: CollectedMessage): EnvelopeFields {
  const { value } = message;
  return typeof value === 'object' && value !== null ? value : {};
}

interface EnvelopeFields {
  readonly type?: string;
  readonly payload?: Record<string, unknown>;
}
