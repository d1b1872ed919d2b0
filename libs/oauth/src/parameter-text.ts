import { isParameterText } from '@app/contracts';
import { InvalidCharacterError, type ParameterLocation } from './oauth-errors';

/** Throws `InvalidCharacterError` unless the name and the value are parameter text (RFC 6749 Appendix A). */
export function checkParameter(name: string, value: string, location: ParameterLocation): void {
  if (!isParameterText(name) || !isParameterText(value)) throw new InvalidCharacterError(location);
}

/**
 * Checks every name and value of a parsed query string or of a route's path parameters (fastify
 * gives a string per name, or an array of them for a repeated name). What is not text is left to the
 * route: only text can carry the characters refused here.
 */
export function checkParameterRecord(record: unknown, location: ParameterLocation): void {
  if (typeof record !== 'object' || record === null) return;
  for (const name in record) {
    const value: unknown = (record as Record<string, unknown>)[name];
    if (typeof value === 'string') checkParameter(name, value, location);
    else if (Array.isArray(value)) {
      for (const item of value) checkParameter(name, typeof item === 'string' ? item : '', location);
    } else checkParameter(name, '', location);
  }
}
