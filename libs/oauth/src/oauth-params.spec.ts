import { describe, expect, it } from 'vitest';
import { InvalidCharacterError, InvalidRequestError } from './oauth-errors';
import { OAuthParams } from './oauth-params';

describe('OAuthParams', () => {
  it('reads form and JSON bodies alike', () => {
    const form = OAuthParams.parse({ kind: 'form', text: 'grant_type=client_credentials&scope=a+b' });
    const json = OAuthParams.parse({
      kind: 'json',
      text: '{"grant_type":"client_credentials","scope":"a b"}',
    });
    for (const params of [form, json]) {
      expect(params.get('grant_type')).toBe('client_credentials');
      expect(params.get('scope')).toBe('a b');
    }
  });

  it('treats empty values as omitted (RFC 6749 §3.1)', () => {
    const params = OAuthParams.parse({ kind: 'form', text: 'scope=&audience=x' });
    expect(params.has('scope')).toBe(false);
    expect(() => params.require('scope')).toThrow('Missing required parameter: scope');
  });

  it('refuses duplicated parameters, even when one is empty', () => {
    expect(() => OAuthParams.parse({ kind: 'form', text: 'a=1&a=2' })).toThrow(InvalidRequestError);
    expect(() => OAuthParams.parse({ kind: 'form', text: 'a=&a=2' })).toThrow(/more than once/);
  });

  it('refuses JSON that is not an object of scalars', () => {
    for (const text of ['{', '[]', '"x"', 'null', '{"a":{"b":1}}', '{"a":[1]}']) {
      expect(() => OAuthParams.parse({ kind: 'json', text })).toThrow(InvalidRequestError);
    }
  });

  it('never echoes odd parameter names in errors', () => {
    expect(() => OAuthParams.parse({ kind: 'form', text: '%3Cscript%3E=1&%3Cscript%3E=2' })).toThrow(
      'Parameter (unnamed) is included more than once',
    );
  });

  it('limits the number of parameters', () => {
    const text = Array.from({ length: 100 }, (_, i) => `p${i}=1`).join('&');
    expect(() => OAuthParams.parse({ kind: 'form', text })).toThrow('Too many parameters');
  });

  it('refuses control characters and unpaired surrogates in names and values, after decoding', () => {
    for (const body of [
      { kind: 'form', text: 'client_id=%00' },
      { kind: 'form', text: 'scope=a%0Ab' },
      { kind: 'form', text: 'x%7F=1' },
      { kind: 'form', text: '%00=' },
      { kind: 'json', text: '{"client_id":"\\u0000"}' },
      { kind: 'json', text: '{"client_id":"a\\ud800"}' },
      { kind: 'json', text: '{"client_id":"\\udc00b"}' },
      { kind: 'json', text: '{"\\ud83d":"x"}' },
      { kind: 'json', text: '{"\\u001b":null}' },
    ] as const) {
      expect(() => OAuthParams.parse(body), body.text).toThrow(InvalidCharacterError);
    }
    try {
      OAuthParams.parse({ kind: 'form', text: 'a=%00' });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidCharacterError).location).toBe('body');
    }
  });

  it('keeps what RFC 6749 Appendix A allows: a tab, non-ASCII text, surrogate pairs', () => {
    const params = OAuthParams.parse({
      kind: 'json',
      text: '{"password":"a\\tb","username":"j\u00f6rg","nickname":"\\ud83d\\ude00"}',
    });
    expect(params.get('password')).toBe('a\tb');
    expect(params.get('username')).toBe('jörg');
    expect(params.get('nickname')).toBe('\u{1F600}');
    expect(OAuthParams.parse({ kind: 'form', text: 'scope=%F0%9F%98%80' }).get('scope')).toBe('\u{1F600}');
  });
});
