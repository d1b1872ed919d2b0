import { describe, expect, it } from 'vitest';
import { ManagementError, parseManagementQuery } from '@app/management';
import { checkpointPage, checkpointQuery, pathId } from './management-params';

describe('Management API parameters of the revocation service', () => {
  it('takes ids as they come, and refuses empty ones and control characters with invalid_uri', () => {
    expect(pathId('auth0|5f7c8ec7c33c6c004bbafe82', 'user_id')).toBe('auth0|5f7c8ec7c33c6c004bbafe82');
    for (const bad of ['', 'a\u0000b', 'a\nb', 'x'.repeat(513)]) {
      expect(() => pathId(bad, 'id')).toThrow(ManagementError);
      try {
        pathId(bad, 'id');
      } catch (error) {
        expect((error as ManagementError).errorCode).toBe('invalid_uri');
        expect((error as ManagementError).statusCode).toBe(400);
      }
    }
  });

  it("parses Auth0's checkpoint pagination, 50 by default and at most 100", () => {
    expect(parseManagementQuery(checkpointQuery, {})).toEqual({ take: 50, include_totals: false });
    expect(parseManagementQuery(checkpointQuery, { from: 'rt_1', take: '10' })).toEqual({
      from: 'rt_1',
      take: 10,
      include_totals: false,
    });
    for (const bad of [{ take: '0' }, { take: '101' }, { take: 'x' }, { from: ['a', 'b'] }, { page: '1' }]) {
      expect(() => parseManagementQuery(checkpointQuery, bad)).toThrow(/Query validation error/);
    }
  });

  it('names the next page by the last id, only when there is one', () => {
    const items = [{ id: 'a' }, { id: 'b' }];
    expect(checkpointPage('tokens', items, true, (item) => item.id)).toEqual({ tokens: items, next: 'b' });
    expect(checkpointPage('tokens', items, false, (item) => item.id)).toEqual({ tokens: items });
    expect(checkpointPage('sessions', [], true, (item: { id: string }) => item.id)).toEqual({ sessions: [] });
  });
});
