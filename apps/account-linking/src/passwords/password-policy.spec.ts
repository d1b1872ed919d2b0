import { describe, expect, it } from 'vitest';
import { isStrongEnough } from './password-policy';

describe('password policy (Auth0 "fair")', () => {
  it.each(['Correct-horse1', 'abcDEF12', 'abcdef1!', 'ABCDEF1!', 'Ünïcödé-1', 'pass word X'])(
    'accepts %s',
    (password) => expect(isStrongEnough(password)).toBe(true),
  );

  it.each([
    ['too short', 'aB1!xyz'],
    ['two classes', 'abcdefgh12'],
    ['one class', 'ABCDEFGHIJ'],
    ['empty', ''],
    ['too long', `aB1!${'x'.repeat(125)}`],
  ])('refuses %s', (_why, password) => expect(isStrongEnough(password)).toBe(false));

  it('counts code points, so 8 emoji-heavy characters are 8 characters', () => {
    expect(isStrongEnough('aB1😀😀😀😀😀')).toBe(true);
    expect(isStrongEnough('aB1😀😀😀😀')).toBe(false);
  });
});
