import { describe, expect, it } from 'vitest';
import { compileLogQuery, LogQueryError, logIdOf, parseLogId, parseLogQuery } from './log-query';

const compile = (q: string) => compileLogQuery(parseLogQuery(q));

describe('log search query (Auth0 Lucene subset)', () => {
  it('compiles field terms, quoted values, AND, OR, NOT and parentheses to parameters', () => {
    expect(compile('type:fp')).toEqual({ sql: '"type" = $1', params: ['fp'] });
    expect(compile('user_id:"auth0|abc def" AND client_id:xyz')).toEqual({
      sql: '("user_id" = $1 AND "client_id" = $2)',
      params: ['auth0|abc def', 'xyz'],
    });
    expect(compile('(type:s OR type:f) connection:"Username-Password-Authentication"')).toEqual({
      sql: '(("type" = $1 OR "type" = $2) AND "connection" = $3)',
      params: ['s', 'f', 'Username-Password-Authentication'],
    });
    expect(compile('NOT type:s')).toEqual({ sql: '(("type" = $1) IS NOT TRUE)', params: ['s'] });
    expect(compile('ip:"::1"').params).toEqual(['::1']);
    expect(compile('description:"say \\"hi\\""').params).toEqual(['say "hi"']);
  });

  it('reads dates as whole UTC days, ranges inclusive with [] and exclusive with {}, * open', () => {
    expect(compile('date:2026-12-03')).toEqual({
      sql: '("date" >= $1 AND "date" < $2)',
      params: ['2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z'],
    });
    expect(compile('date:[2026-12-01 TO 2026-12-03]').params).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-04T00:00:00.000Z',
    ]);
    expect(compile('date:{2026-12-01 TO 2026-12-03}').params).toEqual([
      '2026-12-02T00:00:00.000Z',
      '2026-12-03T00:00:00.000Z',
    ]);
    expect(compile('date:[2026-12-03T10:00:00Z TO *]')).toEqual({
      sql: '("date" >= $1)',
      params: ['2026-12-03T10:00:00.000Z'],
    });
    expect(compile('date:[* TO *]').sql).toBe('TRUE');
  });

  it('numbers parameters from the given start', () => {
    expect(compileLogQuery(parseLogQuery('type:s'), 3).sql).toBe('"type" = $3');
  });

  it('finds a log id by its day and sequence, and matches nothing for a foreign id', () => {
    const id = logIdOf(new Date('2026-12-03T12:00:00Z'), '42');
    expect(id).toBe('9020261203' + '42'.padStart(19, '0'));
    expect(parseLogId(id)).toEqual({
      dayStart: new Date('2026-12-03T00:00:00Z'),
      dayEnd: new Date('2026-12-04T00:00:00Z'),
      seq: '42',
    });
    expect(compile(`log_id:${id}`).params).toEqual([
      '42',
      '2026-12-03T00:00:00.000Z',
      '2026-12-04T00:00:00.000Z',
    ]);
    expect(compile('log_id:abc')).toEqual({ sql: 'FALSE', params: [] });
    expect(parseLogId('9020261345' + '0'.repeat(19))).toBeNull();
  });

  it.each([
    '',
    'type:',
    'type',
    'just words',
    'nosuchfield:x',
    'type:"unterminated',
    '(type:s',
    'type:s)',
    'type:s AND',
    'OR type:s',
    'user_id:ab*',
    'user_id:a?c',
    'client_id:[a TO b]',
    'date:[2026-12-01 2026-12-02]',
    'date:[2026-12-01 TO 2026-12-02}',
    'date:2026-13-45',
    'date:yesterday',
    'type:""',
    '('.repeat(40) + 'type:s' + ')'.repeat(40),
    Array.from({ length: 70 }, () => 'type:s').join(' OR '),
  ])('refuses %j with a LogQueryError', (q) => {
    expect(() => compile(q)).toThrow(LogQueryError);
  });
});
