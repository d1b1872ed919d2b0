import { describe, expect, it } from 'vitest';
import { MAX_LOGS_PER_REQUEST, requestBodies, type StreamedLog } from './http-log-sink';

const log = (n: number): StreamedLog => ({ log_id: `id-${n}`, data: { log_id: `id-${n}`, type: 's' } });
const logs = (count: number) => Array.from({ length: count }, (_, n) => log(n));

describe('requestBodies', () => {
  it('JSONLINES: one log per line, a request per hundred logs, in order', () => {
    const bodies = requestBodies(logs(MAX_LOGS_PER_REQUEST + 1), 'JSONLINES');
    expect(bodies).toHaveLength(2);
    const lines = bodies.flatMap((body) => body.split('\n'));
    expect(lines.map((line) => (JSON.parse(line) as StreamedLog).log_id)).toEqual(
      logs(MAX_LOGS_PER_REQUEST + 1).map((one) => one.log_id),
    );
  });

  it('JSONARRAY: one array per request', () => {
    const [body, ...rest] = requestBodies(logs(3), 'JSONARRAY');
    expect(rest).toEqual([]);
    expect(JSON.parse(body!)).toEqual(logs(3));
  });

  it('JSONOBJECT: one request per log', () => {
    const bodies = requestBodies(logs(3), 'JSONOBJECT');
    expect(bodies.map((body) => JSON.parse(body) as StreamedLog)).toEqual(logs(3));
  });

  it('nothing to send, no request', () => {
    expect(requestBodies([], 'JSONLINES')).toEqual([]);
    expect(requestBodies([], 'JSONOBJECT')).toEqual([]);
  });
});
