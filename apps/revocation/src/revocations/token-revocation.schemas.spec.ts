import { describe, expect, it } from 'vitest';
import { parseManagementBody, ManagementError } from '@app/management';
import { createTokenRevocationBody } from './token-revocation.schemas';

const parse = (body: unknown) =>
  parseManagementBody(createTokenRevocationBody, { kind: 'json', text: JSON.stringify(body) });

function messageOf(body: unknown): string {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof ManagementError && error.errorCode === 'invalid_body') return error.message;
    throw error;
  }
  throw new Error('expected invalid_body');
}

describe('POST /api/v2/token-revocations body', () => {
  const now = Math.floor(Date.now() / 1000);

  it('takes a client or a user, with or without a not-before', () => {
    expect(parse({ client_id: 'abc' })).toEqual({ client_id: 'abc' });
    expect(parse({ user_id: 'auth0|1', not_before: now - 10 })).toEqual({
      user_id: 'auth0|1',
      not_before: now - 10,
    });
    expect(parse({ client_id: 'abc', not_before: 0 })).toEqual({ client_id: 'abc', not_before: 0 });
  });

  it.each([
    [{}, 'Exactly one of client_id or user_id is required'],
    [{ client_id: 'a', user_id: 'b' }, 'Exactly one of client_id or user_id is required'],
    [{ client_id: 'a', not_before: now + 120 }, 'not_before must not be in the future'],
    [{ client_id: 'a', not_before: 1.5 }, 'not_before'],
    [{ client_id: 'a', not_before: -1 }, 'not_before must not be negative'],
    [{ client_id: 'a', not_before: '1700000000' }, 'not_before'],
    [{ client_id: '' }, 'client_id'],
    [{ user_id: 'x'.repeat(513) }, 'user_id'],
    [{ client_id: 'a', scope: 'x' }, 'Additional properties not allowed: scope'],
  ])('refuses %j', (body, expected) => {
    expect(messageOf(body)).toContain(expected);
  });
});
