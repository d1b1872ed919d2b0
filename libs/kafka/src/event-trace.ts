import type { Logger } from '@nestjs/common';
import type { EventMeta } from './event-stream-consumer';

/**
 * With `LOG_LEVEL=debug` (or `verbose`), every event a subscriber handles is logged with its id, type,
 * correlation and causation ids and position, so one request can be followed through the streams
 * (issue #18 §2). Read once: a replay of a million events must not pay for a check per event.
 */
export const TRACE_EVENTS = ['debug', 'verbose'].includes(process.env.LOG_LEVEL ?? '');

/** The debug line of one handled event (only call it when TRACE_EVENTS). */
export function traceEvent(
  logger: Logger,
  event: { id: string; type: string; correlation_id: string; causation_id?: string | undefined },
  meta?: EventMeta,
): void {
  logger.debug({
    msg: 'event',
    event_id: event.id,
    type: event.type,
    correlation_id: event.correlation_id,
    causation_id: event.causation_id,
    ...(meta ? { topic: meta.topic, partition: meta.partition, offset: meta.offset } : {}),
  });
}
