import fc from 'fast-check';

/**
 * Generated hostile requests for the property tier (test/e2e/hostile-inputs.property.spec.ts): the
 * values, the ways of encoding them and the broken headers, each as a fast-check arbitrary, so a
 * failing request can be replayed from its seed.
 */

/** Strings no parameter should carry, and strings that are merely odd, as text. */
const hostileText = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\u0000'.repeat(300),
    '\ud800',
    'x\udfff',
    '\ud83d',
    '\udc00\ud800',
    '\u001b[31m',
    '\r\n',
    'a\nb',
    '\t',
    '\u007f',
    '\u0085',
    '\ufeff',
    '\ufffe',
    '\u{10FFFF}',
    '',
    ' ',
    '%',
    '%00',
    '%ED%A0%80',
    '%C0%80',
    '%FF%FE',
    '+',
    '&=&',
    '../../etc/passwd',
    "' OR '1'='1",
    '{"$ne":null}',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    'a'.repeat(300),
    'é'.repeat(3000),
    'x'.repeat(70 * 1024),
    '-1',
    '1e308',
    'NaN',
    'true',
    'null',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '%', '\n', 'é', '\u{1F600}'),
    maxLength: 12,
  }),
);

/** A JSON value of the wrong type, shape or size, or hostile text. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  fc.integer(),
  fc.constantFrom(1e308, -0, 2 ** 53 + 1, 0.5, -1),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(nested(2000)),
);

function nested(depth: number): unknown {
  let value: unknown = 'deep\u0000';
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
  return value;
}

/** A path segment: hostile text percent-encoded as bytes (so `%ED%A0%80` reaches the server as such). */
const hostileSegment = fc.oneof(
  hostileText.map((text) => percentEncoded(text)),
  fc.constantFrom(
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%C0%AE%C0%AE',
    '..%2F..%2F',
    '%2e%2e',
    'x'.repeat(600),
    '%FF',
  ),
);

/** UTF-8 bytes, percent-encoded, except that percent signs the text already holds are kept raw. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

export type BodyEncoding = 'form' | 'form-raw' | 'json' | 'json-text';

/** How a body is sent: encoded form, raw bytes in a form, JSON, or JSON text that is not an object. */
const encoding = fc.constantFrom<BodyEncoding>('form', 'form', 'form-raw', 'json', 'json', 'json-text');

const oddContentType = fc.constantFrom(
  'text/plain',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded;;;',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  '*/*',
  '',
  'application/json, application/x-www-form-urlencoded',
);

const base64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');
/** Header values fetch can send (ByteStrings without CR, LF or NUL). */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e\x80-\xff]/g, '?');

const brokenBasic = fc.oneof(
  fc.constantFrom(
    'Basic',
    'Basic ',
    'Basic !!!',
    'Basic ===',
    `Basic ${base64('\u0000:\u0000')}`,
    `Basic ${base64('%00:x')}`,
    `Basic ${base64('a%ZZ:b')}`,
    `Basic ${base64('%ED%A0%80:x')}`,
    `Basic ${base64('nocolon')}`,
    `Basic ${base64(':')}`,
    `Basic ${'A'.repeat(5000)}`,
    'basic \u00ff\u00fe',
    'Basic a b c',
  ),
  hostileText.map((text) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`),
);

const brokenBearer = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.e30.',
    `Bearer ${'x'.repeat(10_000)}`,
    'Bearer \u00ff\u00fe',
    'bearer  x',
    'Bearer a b',
    'Token x',
    'Bearer %00',
  ),
  hostileText.map((text) => `Bearer ${headerSafe(text)}`),
);

export interface RouteShape {
  /** Routes with no body take their parameters in the query string. */
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** `{name}` marks a path parameter. */
  readonly path: string;
  readonly names: readonly string[];
}

export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
  /** What was generated, for the failure report. */
  readonly describe: string;
}

export type Credentials = 'keep' | 'drop' | 'basic' | 'bearer';

/**
 * A request to one route: hostile values in some of its parameters (and in names it does not
 * know), sometimes duplicated, in the query or a body encoded one of several ways, with the good
 * parameters of `base` (credentials, a real transaction) kept or not, and good or broken headers.
 */
export function hostileRequest(
  route: RouteShape,
  base: Readonly<Record<string, string>>,
  goodHeaders: Readonly<Record<string, string>>,
): fc.Arbitrary<HostileRequest> {
  const names = fc.constantFrom(
    ...route.names,
    ...Object.keys(base),
    'x',
    'a[]',
    '__proto__',
    '\u0000',
    '\ud800',
  );
  return fc
    .record({
      values: fc.array(fc.tuple(names, hostileJson), { minLength: 1, maxLength: 4 }),
      keepBase: fc.boolean(),
      duplicate: fc.boolean(),
      encoding,
      contentType: fc.option(oddContentType, { freq: 6 }),
      authorization: fc.option(fc.oneof(brokenBasic, brokenBearer), { freq: 3 }),
      goodHeaders: fc.boolean(),
      segments: fc.array(hostileSegment, { minLength: 4, maxLength: 4 }),
      queryOnBody: fc.boolean(),
    })
    .map((generated) => {
      const params: [string, unknown][] = [
        ...(generated.keepBase ? Object.entries(base) : []),
        ...generated.values,
      ];
      if (generated.duplicate && params.length > 0) params.push(params[0]!);
      let segment = 0;
      const path = route.path.replace(/\{[^}]+\}/g, () => generated.segments[segment++ % 4]!);
      const headers: Record<string, string> = generated.goodHeaders ? { ...goodHeaders } : {};
      if (generated.authorization !== null) headers.authorization = generated.authorization;
      const describe = JSON.stringify({
        ...generated,
        segments: undefined,
        values: generated.values.map(([n, v]) => [n, abbreviated(v)]),
      });

      if (route.method === 'GET' || (route.method === 'DELETE' && !generated.queryOnBody)) {
        return { method: route.method, path: `${path}?${queryOf(params)}`, headers, describe };
      }
      const { body, contentType } = bodyOf(params, generated.encoding);
      headers['content-type'] = generated.contentType ?? contentType;
      const query = generated.queryOnBody ? `?${queryOf(generated.values)}` : '';
      return { method: route.method, path: `${path}${query}`, headers, body, describe };
    });
}

function abbreviated(value: unknown): unknown {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}… (${text.length} characters)` : value;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

function queryOf(params: readonly [string, unknown][]): string {
  return params.map(([name, value]) => `${percentEncoded(name)}=${percentEncoded(textOf(value))}`).join('&');
}

function bodyOf(
  params: readonly [string, unknown][],
  encoding: BodyEncoding,
): { body: string | Buffer; contentType: string } {
  switch (encoding) {
    case 'form': {
      const form = new URLSearchParams();
      for (const [name, value] of params) form.append(name, textOf(value));
      return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    }
    case 'form-raw':
      // Raw bytes: control characters unescaped, `%ED%A0%80` left as the client wrote it.
      return {
        body: Buffer.concat(
          params.flatMap(([name, value], index) => [
            Buffer.from(`${index ? '&' : ''}${name}=`, 'utf8'),
            Buffer.from(textOf(value), 'utf8'),
          ]),
        ),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'json':
      // JSON.stringify writes an unpaired surrogate as its `\ud800` escape (ES2019 well-formed stringify).
      return {
        body: `{${params.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`,
        contentType: 'application/json',
      };
    case 'json-text':
      return {
        body: JSON.stringify(params.map(([, value]) => value)[0] ?? null) ?? 'null',
        contentType: 'application/json',
      };
  }
}
