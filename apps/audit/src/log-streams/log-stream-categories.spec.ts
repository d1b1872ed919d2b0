import { describe, expect, it } from 'vitest';
import { LOG_TYPES } from '../ingestion/log-types';
import { categoryOf, LOG_STREAM_CATEGORIES, passesFilters } from './log-stream-categories';

describe('log stream categories', () => {
  it('files every log type the store writes under one of Auth0 categories', () => {
    for (const type of Object.keys(LOG_TYPES)) {
      expect(LOG_STREAM_CATEGORIES).toContain(categoryOf(type));
    }
  });

  it("files Auth0's codes as Auth0 does, and Tessera's own under other", () => {
    expect(categoryOf('seccft')).toBe('auth.token_exchange.success');
    expect(categoryOf('fertft')).toBe('auth.token_exchange.fail');
    expect(categoryOf('fp')).toBe('auth.login.fail');
    expect(categoryOf('slo')).toBe('auth.logout.success');
    expect(categoryOf('sapi')).toBe('management.success');
    expect(categoryOf('t_sru')).toBe('other');
    expect(categoryOf('not-a-type')).toBe('other');
  });

  it('no filters pass everything; filters pass their categories only', () => {
    expect(passesFilters('t_sru', new Set())).toBe(true);
    const failures = new Set(['auth.login.fail']);
    expect(passesFilters('fp', failures)).toBe(true);
    expect(passesFilters('s', failures)).toBe(false);
  });
});
