import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseManagementBody } from './management-body';
import { ManagementError } from './management-error';
import { parseManagementQuery, queryText } from './management-query';
import { pageOf, paginationQuery } from './pagination';

const body = z.object({ name: z.string().min(1), tags: z.array(z.string()).optional() }).strict();

function failure(run: () => unknown): ManagementError {
  try {
    run();
  } catch (error) {
    if (error instanceof ManagementError) return error;
    throw error;
  }
  throw new Error('expected a ManagementError');
}

describe('parseManagementBody', () => {
  it('returns the validated object', () => {
    expect(parseManagementBody(body, { kind: 'json', text: '{"name":"a"}' })).toEqual({ name: 'a' });
  });

  it.each([
    ['{"name":', `Payload validation error: 'Invalid JSON'.`],
    ['"text"', `Payload validation error: 'The body must be a JSON object'.`],
    ['{}', `Payload validation error: 'Missing required property: name'.`],
    ['{"name":"a","admin":true}', `Payload validation error: 'Additional properties not allowed: admin'.`],
  ])('refuses %s with invalid_body', (text, message) => {
    const error = failure(() => parseManagementBody(body, { kind: 'json', text }));
    expect(error.toBody()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message,
      errorCode: 'invalid_body',
    });
  });

  it.each([
    ['{"name":"a\\u0000b"}', 'name'],
    ['{"name":"a\\ud800"}', 'name'],
    ['{"name":"a","tags":["ok","\\udfff"]}', 'tags.1'],
    ['{"name":"a","meta":{"deep":[{"k":"\\u0000"}]}}', 'meta.deep.0.k'],
    ['{"name":"a","meta":{"k\\u0000":1}}', 'meta.k?'],
  ])('refuses %s, what PostgreSQL cannot store, with invalid_body', (text, path) => {
    const error = failure(() => parseManagementBody(z.object({}).passthrough(), { kind: 'json', text }));
    expect(error.errorCode).toBe('invalid_body');
    expect(error.message).toBe(
      `Payload validation error: 'Text must not contain NUL characters or unpaired surrogates' on property ${path}.`,
    );
  });

  it('keeps line breaks, tabs and surrogate pairs in free text', () => {
    const text = JSON.stringify({ name: 'two\nlines\tand \u{1F600}' });
    expect(parseManagementBody(body, { kind: 'json', text })).toEqual({ name: 'two\nlines\tand \u{1F600}' });
  });

  it('scans a body nested as deep as its size allows without overflowing the stack', () => {
    const text = `{"name":"a","meta":${'['.repeat(30_000)}"\\u0000"${']'.repeat(30_000)}}`;
    const error = failure(() => parseManagementBody(z.object({}).passthrough(), { kind: 'json', text }));
    expect(error.message).toMatch(/NUL characters or unpaired surrogates' on property meta\.0\.0\./);
  });

  it('names the property at fault', () => {
    const error = failure(() => parseManagementBody(body, { kind: 'json', text: '{"name":"a","tags":[1]}' }));
    expect(error.message).toMatch(/on property tags\.0\.$/);
  });

  it('treats an absent body as {} and refuses form bodies', () => {
    expect(failure(() => parseManagementBody(body, { kind: 'none' })).message).toMatch(
      /Missing required property: name/,
    );
    expect(failure(() => parseManagementBody(body, { kind: 'form', text: 'name=a' })).errorCode).toBe(
      'invalid_body',
    );
  });
});

describe('pagination', () => {
  it('defaults to page 0 of 50 and answers a bare array without totals', () => {
    const query = parseManagementQuery(paginationQuery, {});
    expect(query).toEqual({ page: 0, per_page: 50, include_totals: false });
    expect(pageOf('clients', [1, 2], 9, query)).toEqual([1, 2]);
  });

  it("answers Auth0's totals envelope", () => {
    const query = parseManagementQuery(paginationQuery, { page: '2', per_page: '2', include_totals: 'true' });
    expect(pageOf('clients', ['e', 'f'], 9, query)).toEqual({
      start: 4,
      limit: 2,
      length: 2,
      total: 9,
      clients: ['e', 'f'],
    });
  });

  it.each([
    { per_page: '0' },
    { per_page: '101' },
    { page: '-1' },
    { page: '1.5' },
    { include_totals: 'yes' },
    { per_page: ['1', '2'] },
  ])('refuses %o with invalid_query_string', (query) => {
    const error = failure(() => parseManagementQuery(paginationQuery, query));
    expect(error.statusCode).toBe(400);
    expect(error.errorCode).toBe('invalid_query_string');
    expect(error.message).toMatch(/^Query validation error: /);
  });
});

describe('queryText', () => {
  const schema = z.object({ q: queryText(16) }).strict();

  it('takes one string, and refuses a repeated parameter, an oversized one and a NUL', () => {
    expect(parseManagementQuery(schema, { q: 'ada' })).toEqual({ q: 'ada' });
    for (const q of [['a', 'b'], 'x'.repeat(17), 'a\u0000b', '']) {
      const error = failure(() => parseManagementQuery(schema, { q }));
      expect(error.errorCode).toBe('invalid_query_string');
    }
    expect(failure(() => parseManagementQuery(schema, { q: '\u0000' })).message).toBe(
      "Query validation error: 'Expected text without NUL characters' on property q.",
    );
  });
});
