import { GuardedHttpClient, OutboundRequestError } from '@app/http';
import type { LogView } from '../logs/log-view';
import type { HttpSink } from './log-stream.schemas';

/** One log as a log stream delivers it (Auth0's custom webhook payload): its id and the log event. */
export interface StreamedLog {
  readonly log_id: string;
  readonly data: LogView;
}

/** Logs in one request at most: a receiver's body limit is met long before a batch's size. */
export const MAX_LOGS_PER_REQUEST = 100;

/** A delivery the receiver did not accept; `reason` names the origin and status only (no path, no query). */
export class DeliveryFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The request bodies of a run of logs, in order, in the sink's content format. */
export function requestBodies(logs: readonly StreamedLog[], format: HttpSink['httpContentFormat']): string[] {
  if (format === 'JSONOBJECT') return logs.map((log) => JSON.stringify(log));
  const bodies: string[] = [];
  for (let start = 0; start < logs.length; start += MAX_LOGS_PER_REQUEST) {
    const chunk = logs.slice(start, start + MAX_LOGS_PER_REQUEST);
    bodies.push(
      format === 'JSONARRAY' ? JSON.stringify(chunk) : chunk.map((log) => JSON.stringify(log)).join('\n'),
    );
  }
  return bodies;
}

/**
 * POSTs logs to a stream's `httpEndpoint`, one request after the other so they arrive in order,
 * through the guarded client: the endpoint was checked when saved, and its addresses are checked
 * again at connect time (DNS rebinding), redirects are not followed. A 2xx is delivered; anything
 * else is a DeliveryFailure, and the batch is sent again from its first log (at least once).
 */
export class HttpLogSink {
  constructor(
    private readonly http: GuardedHttpClient,
    private readonly sink: HttpSink,
  ) {}

  async deliver(logs: readonly StreamedLog[]): Promise<void> {
    const headers: Record<string, string> = { 'content-type': this.sink.httpContentType };
    for (const { header, value } of this.sink.httpCustomHeaders) headers[header.toLowerCase()] = value;
    if (this.sink.httpAuthorization) headers.authorization = this.sink.httpAuthorization;
    const origin = new URL(this.sink.httpEndpoint).origin;
    for (const body of requestBodies(logs, this.sink.httpContentFormat)) {
      let status: number;
      try {
        ({ status } = await this.http.request(this.sink.httpEndpoint, { method: 'POST', headers, body }));
      } catch (error) {
        if (error instanceof OutboundRequestError) throw new DeliveryFailure(error.detail);
        throw error;
      }
      if (status < 200 || status > 299) throw new DeliveryFailure(`${origin} answered HTTP ${status}`);
    }
  }
}
