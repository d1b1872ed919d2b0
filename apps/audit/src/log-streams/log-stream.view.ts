import type { LogStreamRecord } from './log-streams.repository';

/**
 * A log stream in Auth0's shape. `httpAuthorization` is write-only here: it is the receiver's
 * credential, and anyone with `read:log_streams` would otherwise read it back (Auth0 returns it).
 */
export function logStreamView(stream: LogStreamRecord) {
  const { httpAuthorization: _secret, httpCustomHeaders, ...sink } = stream.sink;
  return {
    id: stream.id,
    name: stream.name,
    type: stream.type,
    status: stream.status,
    isPriority: stream.isPriority,
    ...(stream.filters.length > 0 ? { filters: stream.filters } : {}),
    sink: { ...sink, ...(httpCustomHeaders.length > 0 ? { httpCustomHeaders } : {}) },
  };
}
