import { InvalidRequestError } from './oauth-errors';
import { checkParameter } from './parameter-text';

/** The parsed body of an OAuth endpoint, before validation: what the body parser hands over. */
export type RawBody =
  | { readonly kind: 'form'; readonly text: string }
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'none' };

const MAX_PARAMETERS = 64;

/**
 * The parameters of an OAuth request, read from a form or JSON body (Auth0 accepts both on every
 * Authentication API POST — reference/auth0-api.md §0). Strict where the RFCs are strict:
 * RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once";
 * parameters sent without a value are treated as omitted; and no name or value may hold a control
 * character or an unpaired surrogate (RFC 6749 Appendix A), checked after percent-decoding and JSON
 * unescaping, so `%00` or `"\ud800"` is `invalid_request` here rather than a PostgreSQL error later.
 */
export class OAuthParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  static parse(body: RawBody): OAuthParams {
    switch (body.kind) {
      case 'none':
        return new OAuthParams(new Map());
      case 'form':
        return OAuthParams.fromForm(body.text);
      case 'json':
        return OAuthParams.fromJson(body.text);
    }
  }

  static fromEntries(entries: Iterable<readonly [string, string]>): OAuthParams {
    return new OAuthParams(new Map(entries));
  }

  private static fromForm(text: string): OAuthParams {
    const values = new Map<string, string>();
    const seen = new Set<string>();
    const search = new URLSearchParams(text);
    let count = 0;
    for (const [name, value] of search) {
      if (++count > MAX_PARAMETERS) throw new InvalidRequestError('Too many parameters');
      if (seen.has(name))
        throw new InvalidRequestError(`Parameter ${describeName(name)} is included more than once`);
      seen.add(name);
      checkParameter(name, value, 'body');
      if (value !== '') values.set(name, value);
    }
    return new OAuthParams(values);
  }

  private static fromJson(text: string): OAuthParams {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InvalidRequestError('The request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidRequestError('The request body must be a JSON object');
    }
    const entries = Object.entries(parsed);
    if (entries.length > MAX_PARAMETERS) throw new InvalidRequestError('Too many parameters');
    const values = new Map<string, string>();
    for (const [name, value] of entries) {
      checkParameter(name, typeof value === 'string' ? value : '', 'body');
      if (value === null || value === undefined || value === '') continue;
      // Numbers and booleans are accepted as their text (SDKs send e.g. `"max_age": 0`); structures are not.
      if (typeof value === 'string') values.set(name, value);
      else if (typeof value === 'number' || typeof value === 'boolean') values.set(name, String(value));
      else throw new InvalidRequestError(`Parameter ${describeName(name)} must be a string`);
    }
    return new OAuthParams(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  require(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new InvalidRequestError(`Missing required parameter: ${name}`);
    return value;
  }
}

/** Echoes a parameter name in an error only when it is short and plain, so errors never reflect junk. */
function describeName(name: string): string {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(name) ? name : '(unnamed)';
}
