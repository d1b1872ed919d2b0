import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The envelope every event travels in (DESIGN §5):
 * `{ id, type, version, occurred_at, correlation_id, causation_id?, payload }`.
 */
export const envelopeFields = {
  id: z.uuid(),
  version: z.literal(1),
  occurred_at: z.iso.datetime({ offset: true }),
  correlation_id: z.string().min(1).max(200),
  causation_id: z.string().min(1).max(200).optional(),
};

export interface EventContext {
  /** The request or event that led to this event; propagated end to end for tracing. */
  readonly correlationId: string;
  /** The id of the event that caused this one, when an event handler emits it. */
  readonly causationId?: string;
}

/** Defines an event: its type name, the schema of its whole envelope, and a factory that parses. */
export function defineEvent<T extends string, P extends z.ZodType>(type: T, payload: P) {
  const schema = z.object({ ...envelopeFields, type: z.literal(type), payload });
  return {
    type,
    schema,
    create(body: z.input<P>, context: EventContext): z.output<typeof schema> {
      // Producers parse before sending (DESIGN §5): a malformed event fails here, not at a consumer.
      return schema.parse({
        id: randomUUID(),
        type,
        version: 1,
        occurred_at: new Date().toISOString(),
        correlation_id: context.correlationId,
        causation_id: context.causationId,
        payload: body,
      });
    },
  };
}

export type EventOf<D extends { schema: z.ZodType }> = z.output<D['schema']>;
