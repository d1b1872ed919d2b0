import { describe, expect, it } from 'vitest';
import type { StoredLog } from '../log-store/log-events.repository';
import { logView, selectFields } from './log-view';

const stored: StoredLog = {
  date: '2026-12-03T10:00:00.000Z',
  event_id: '00000000-0000-4000-8000-000000000001',
  seq: '7',
  type: 's',
  description: 'Success Login',
  client_id: 'c1',
  client_name: null,
  ip: null,
  user_agent: null,
  user_id: 'auth0|u1',
  user_name: null,
  connection: 'Username-Password-Authentication',
  audience: null,
  scope: null,
  details: { session_id: 's1' },
};

describe("a log event in Auth0's shape", () => {
  it('has a log id, Auth0 field names, the hostname, and leaves out fields without a value', () => {
    expect(logView(stored, 'auth.example.test')).toEqual({
      log_id: '9020261203' + '7'.padStart(19, '0'),
      date: '2026-12-03T10:00:00.000Z',
      type: 's',
      description: 'Success Login',
      client_id: 'c1',
      user_id: 'auth0|u1',
      connection: 'Username-Password-Authentication',
      details: { session_id: 's1' },
      hostname: 'auth.example.test',
    });
  });

  it('keeps only the fields asked for, or all but them', () => {
    const view = logView(stored, 'h');
    expect(selectFields(view, ['type', 'user_id'], true)).toEqual({ type: 's', user_id: 'auth0|u1' });
    expect(Object.keys(selectFields(view, ['details', 'hostname', 'log_id'], false))).toEqual([
      'date',
      'type',
      'description',
      'client_id',
      'user_id',
      'connection',
    ]);
    expect(selectFields(view, undefined, true)).toBe(view);
  });
});
