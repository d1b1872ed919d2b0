import { describe, expect, it } from 'vitest';
import { hasUnpairedSurrogate, isParameterText, isStorableText } from './control-characters';

describe('the text rules', () => {
  it('finds unpaired surrogates, high or low, wherever they are, and not pairs', () => {
    for (const text of [
      '\ud800',
      'a\ud800',
      '\udc00b',
      'a\udbffb',
      '\ude00\ud83d',
      '\ud83d\ud83d\ude00x\ud800',
    ]) {
      expect(hasUnpairedSurrogate(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ['', 'plain', '\u{1F600}', 'a\u{10FFFF}b', '\ufffd', '\ue000']) {
      expect(hasUnpairedSurrogate(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('parameter text is RFC 6749 UNICODECHARNOCRLF: HT, but no other control character, no lone surrogate', () => {
    for (const text of ['', 'client_credentials', 'a\tb', 'jörg', '\u{1F600}', ' ~']) {
      expect(isParameterText(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ['\u0000', 'a\nb', 'a\rb', '\u001b', '\u007f', '\ud800', 'x\udfff']) {
      expect(isParameterText(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('storable text is anything PostgreSQL text and jsonb take: no NUL, no lone surrogate', () => {
    for (const text of ['two\nlines', 'tab\t', '\u001b[0m', '\u{1F600}'])
      expect(isStorableText(text)).toBe(true);
    for (const text of ['a\u0000', '\ud800', 'a\udc00']) expect(isStorableText(text)).toBe(false);
  });
});
