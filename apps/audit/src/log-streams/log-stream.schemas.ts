import { z } from 'zod';
import { LOG_STREAM_CATEGORIES } from './log-stream-categories';

export const LOG_STREAM_STATUSES = ['active', 'paused', 'suspended'] as const;
export type LogStreamStatus = (typeof LOG_STREAM_STATUSES)[number];

export const HTTP_CONTENT_FORMATS = ['JSONLINES', 'JSONARRAY', 'JSONOBJECT'] as const;
export type HttpContentFormat = (typeof HTTP_CONTENT_FORMATS)[number];

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
/**
 * Headers a stream may not set itself: the request's framing and target are ours, and the content
 * type and authorization have their own sink fields.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'content-type',
  'authorization',
]);
/**
 * A header value: visible Latin-1 characters, spaces and tabs only, so no CR or LF can split the
 * request, and nothing node:http refuses to send (a character past U+00FF would fail every delivery).
 */
const headerValue = z
  .string()
  .max(4096)
  .regex(
    /^[\t\x20-\x7e\xa0-\xff]*$/,
    'A header value must hold visible Latin-1 characters only (no control characters)',
  );

const customHeader = z
  .object({
    header: z
      .string()
      .regex(HEADER_NAME, 'Expected an HTTP header name')
      .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'This header cannot be set'),
    value: headerValue,
  })
  .strict();

const contentType = z
  .string()
  .max(256)
  .regex(/^[\w.+-]+\/[\w.+-]+(\s*;[\t\x20-\x7e]*)?$/, 'Expected a media type');

/** The fields of an http sink, all optional: PATCH sends only what changes. */
const httpSinkFields = {
  httpEndpoint: z.string().min(1).max(2048),
  httpAuthorization: headerValue,
  httpContentFormat: z.enum(HTTP_CONTENT_FORMATS),
  httpContentType: contentType,
  httpCustomHeaders: z.array(customHeader).max(10),
};

const filters = z
  .array(z.object({ type: z.literal('category'), name: z.enum(LOG_STREAM_CATEGORIES) }).strict())
  .max(LOG_STREAM_CATEGORIES.length);

const streamName = z.string().min(1).max(512);

/** `POST /api/v2/log-streams` with `type: "http"` (the only sink type Tessera delivers to). */
export const createLogStreamBody = z
  .object({
    name: streamName.optional(),
    type: z.literal('http', { error: "Only the 'http' log stream type is supported" }),
    isPriority: z.boolean().optional(),
    filters: filters.optional(),
    sink: z.object(httpSinkFields).partial().required({ httpEndpoint: true }).strict(),
    startFrom: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type CreateLogStreamBody = z.output<typeof createLogStreamBody>;

/** `PATCH /api/v2/log-streams/{id}`: what changes; `status: "active"` resumes a suspended stream. */
export const updateLogStreamBody = z
  .object({
    name: streamName.optional(),
    status: z.enum(LOG_STREAM_STATUSES).optional(),
    isPriority: z.boolean().optional(),
    filters: filters.optional(),
    sink: z.object(httpSinkFields).partial().strict().optional(),
  })
  .strict();
export type UpdateLogStreamBody = z.output<typeof updateLogStreamBody>;

/** A stored http sink: every field resolved to its value or default. */
export interface HttpSink {
  readonly httpEndpoint: string;
  readonly httpAuthorization?: string;
  readonly httpContentFormat: HttpContentFormat;
  readonly httpContentType: string;
  readonly httpCustomHeaders: readonly { header: string; value: string }[];
}
