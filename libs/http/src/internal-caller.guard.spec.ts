import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, InvalidClientError } from '@app/oauth';
import { InternalCallerGuard } from './internal-caller.guard';

const TOKEN = 'x'.repeat(40);

function contextOf(peer: string, headers: Record<string, string> = {}): ExecutionContext {
  const request = { socket: { remoteAddress: peer }, headers };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

const guard = (token?: string) => new InternalCallerGuard(token ?? null);

describe('InternalCallerGuard', () => {
  it('without a token, admits loopback peers that did not come through a proxy', () => {
    expect(guard().canActivate(contextOf('127.0.0.1'))).toBe(true);
    expect(guard().canActivate(contextOf('::1'))).toBe(true);
    expect(() => guard().canActivate(contextOf('10.0.0.7'))).toThrow(AccessDeniedError);
    expect(() => guard().canActivate(contextOf('127.0.0.1', { 'x-forwarded-for': '1.2.3.4' }))).toThrow(
      AccessDeniedError,
    );
    expect(() => guard().canActivate(contextOf('127.0.0.1', { forwarded: 'for=1.2.3.4' }))).toThrow(
      AccessDeniedError,
    );
  });

  it('with a token, admits exactly the callers that present it, from anywhere', () => {
    expect(guard(TOKEN).canActivate(contextOf('10.0.0.7', { authorization: `Bearer ${TOKEN}` }))).toBe(true);
    for (const authorization of [undefined, '', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer ']) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      expect(() => guard(TOKEN).canActivate(contextOf('127.0.0.1', headers))).toThrow(InvalidClientError);
    }
  });
});
