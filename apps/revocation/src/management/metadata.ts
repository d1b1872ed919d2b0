import { z } from 'zod';

/** Auth0's limits on `refresh_token_metadata` and `session_metadata` (reference/auth0-api.md §4.1). */
export const MAX_METADATA_PROPERTIES = 25;
export const MAX_METADATA_LENGTH = 255;

/** An unpaired UTF-16 surrogate: not text, and PostgreSQL's jsonb refuses its `\uD800` escape. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text jsonb can store: no NUL (jsonb refuses `\u0000`) and no unpaired surrogate. */
function storable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** Metadata of a refresh token or a session: string values, keyed by name. */
export type Metadata = Record<string, string>;

/**
 * A metadata object as Auth0 takes it: at most 25 properties, every key and every value a string of
 * at most 255 characters; `null` (or `{}`) clears it. Checked by hand rather than with `z.record`,
 * which drops a `__proto__` key silently and names a bad key only as "Invalid key in record".
 */
export const metadataSchema = z.unknown().transform((input, context): Metadata => {
  const fail = (message: string, path: PropertyKey[] = []) => {
    context.addIssue({ code: 'custom', message, path, input });
    return z.NEVER;
  };
  if (input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) return fail('Expected an object');
  const entries = Object.entries(input);
  if (entries.length > MAX_METADATA_PROPERTIES) {
    return fail(`At most ${MAX_METADATA_PROPERTIES} metadata properties are allowed`);
  }
  const checked: [string, string][] = [];
  for (const [key, value] of entries) {
    if (key.length === 0) return fail('Metadata keys must not be empty');
    if (key.length > MAX_METADATA_LENGTH) {
      return fail(`Metadata keys must be at most ${MAX_METADATA_LENGTH} characters`);
    }
    if (!storable(key)) return fail('Metadata keys must be well-formed text without NUL characters');
    if (typeof value !== 'string') return fail('Metadata values must be strings', [key]);
    if (!storable(value))
      return fail('Metadata values must be well-formed text without NUL characters', [key]);
    if (value.length > MAX_METADATA_LENGTH) {
      return fail(`Metadata values must be at most ${MAX_METADATA_LENGTH} characters`, [key]);
    }
    checked.push([key, value]);
  }
  // Own data properties, whatever their names (a `__proto__` key stays a key, not a prototype).
  return Object.fromEntries(checked);
});
