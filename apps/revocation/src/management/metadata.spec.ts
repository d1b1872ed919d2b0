import { describe, expect, it } from 'vitest';
import { ManagementError, parseManagementBody } from '@app/management';
import { updateRefreshTokenBody } from '../refresh-tokens/refresh-token.schemas';
import { updateSessionBody } from '../sessions/session.schemas';

const parse = (text: string) => parseManagementBody(updateRefreshTokenBody, { kind: 'json', text });

function refusal(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ManagementError && error.statusCode === 400 && error.errorCode === 'invalid_body') {
      return error.message;
    }
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('refresh_token_metadata and session_metadata', () => {
  it('takes up to 25 string properties of up to 255 characters, and null or {} to clear', () => {
    const full = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, 'v'.repeat(255)]));
    expect(parse(JSON.stringify({ refresh_token_metadata: full })).refresh_token_metadata).toEqual(full);
    expect(parse(`{"refresh_token_metadata":{"${'k'.repeat(255)}":""}}`).refresh_token_metadata).toEqual({
      ['k'.repeat(255)]: '',
    });
    expect(parse('{"refresh_token_metadata":null}').refresh_token_metadata).toEqual({});
    expect(parse('{"refresh_token_metadata":{}}').refresh_token_metadata).toEqual({});
    expect(parse('{}').refresh_token_metadata).toBeUndefined();
    expect(
      parseManagementBody(updateSessionBody, { kind: 'json', text: '{"session_metadata":{"a":"b"}}' }),
    ).toEqual({ session_metadata: { a: 'b' } });
  });

  it('takes any well-formed text, astral characters included', () => {
    expect(parse('{"refresh_token_metadata":{"emoji":"\\ud83d\\ude00 ok"}}').refresh_token_metadata).toEqual({
      emoji: '\u{1F600} ok',
    });
  });

  it('keeps a __proto__ key as a key, never as a prototype', () => {
    const metadata = parse('{"refresh_token_metadata":{"__proto__":"x"}}').refresh_token_metadata!;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.entries(metadata)).toEqual([['__proto__', 'x']]);
  });

  it.each([
    [
      JSON.stringify({
        refresh_token_metadata: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v'])),
      }),
      'At most 25 metadata properties are allowed',
    ],
    [`{"refresh_token_metadata":{"${'k'.repeat(256)}":"v"}}`, 'Metadata keys must be at most 255 characters'],
    [
      `{"refresh_token_metadata":{"k":"${'v'.repeat(256)}"}}`,
      'Metadata values must be at most 255 characters',
    ],
    ['{"refresh_token_metadata":{"k":1}}', 'Metadata values must be strings'],
    ['{"refresh_token_metadata":{"k":{"nested":"v"}}}', 'Metadata values must be strings'],
    ['{"refresh_token_metadata":{"":"v"}}', 'Metadata keys must not be empty'],
    ['{"refresh_token_metadata":["v"]}', 'Expected an object'],
    [
      '{"refresh_token_metadata":{"k":"a\\u0000b"}}',
      'Metadata values must be well-formed text without NUL characters',
    ],
    [
      '{"refresh_token_metadata":{"k":"\\ud800"}}',
      'Metadata values must be well-formed text without NUL characters',
    ],
    [
      '{"refresh_token_metadata":{"\\udc00x":"v"}}',
      'Metadata keys must be well-formed text without NUL characters',
    ],
    ['{"refresh_token_metadata":"v"}', 'Expected an object'],
    ['{"session_metadata":{}}', 'Additional properties not allowed: session_metadata'],
  ])('refuses %s with 400 invalid_body', (text, message) => {
    expect(refusal(text)).toContain(message);
  });
});
