import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withoutControlCharacters } from './control-characters';

/**
 * The envelope every event travels in (DESIGN §5):
 * `{ id, type, version, occurred_at, correlation_id, causation_id?, payload }`.
 */
/**
 * The envelope's `version` is the event's MAJOR version (docs/events.md): compatible additions (new
 * optional fields) keep it, so a consumer ignores fields it does not know; an incompatible change
 * is a new topic. A consumer refuses (dead-letters) any other major version.
 */
export const SUPPORTED_MAJOR_VERSION = 1;

export const envelopeFields = {
  id: z.uuid(),
  version: z.literal(SUPPORTED_MAJOR_VERSION),
  occurred_at: z.iso.datetime({ offset: true }),
  correlation_id: z.string().min(1).max(200),
  causation_id: z.string().min(1).max(200).optional(),
};

/**
 * Where an HTTP request came from: the client's address (as the service saw it, behind the trusted
 * loopback gateway) and its `User-Agent`, already bounded (see `requestOrigin`). Never credentials.
 */
export interface RequestOrigin {
  readonly ip?: string;
  readonly userAgent?: string;
}

/** Longest `User-Agent` an event carries: enough to tell browsers and SDKs apart, bounded for storage. */
export const USER_AGENT_MAX_LENGTH = 256;
/** An IPv6 address with a zone is at most 45 characters; anything longer is not an address. */
export const IP_MAX_LENGTH = 64;

function bounded(value: string | undefined, max: number): string | undefined {
  // Node's parser already refuses control characters in headers; removed anyway (a NUL would make
  // the registry's PostgreSQL refuse the whole batch of events).
  return value === undefined ? undefined : withoutControlCharacters(value).slice(0, max) || undefined;
}

/** A request's origin from what the HTTP layer saw, bounded; empty values are left out. */
export function requestOrigin(ip: string | undefined, userAgent: string | undefined): RequestOrigin {
  const address = bounded(ip, IP_MAX_LENGTH);
  const agent = bounded(userAgent, USER_AGENT_MAX_LENGTH);
  return { ...(address ? { ip: address } : {}), ...(agent ? { userAgent: agent } : {}) };
}

export interface EventContext {
  /** The request or event that led to this event; propagated end to end for tracing. */
  readonly correlationId: string;
  /** The id of the event that caused this one, when an event handler emits it. */
  readonly causationId?: string;
  /**
   * The HTTP request behind the event, for the events that record where a token or session was
   * obtained (`refresh_token.*`, `login_session.started`). `create` does not copy it: a producer puts
   * it in the payload where the event's schema has a place for it.
   */
  readonly origin?: RequestOrigin;
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
        version: SUPPORTED_MAJOR_VERSION,
        occurred_at: new Date().toISOString(),
        correlation_id: context.correlationId,
        causation_id: context.causationId,
        payload: body,
      });
    },
  };
}

export type EventOf<D extends { schema: z.ZodType }> = z.output<D['schema']>;
