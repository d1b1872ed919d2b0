/**
 * Control characters (C0 and DEL) in text that reaches storage or events: no urlencoded serializer
 * emits them raw (WHATWG URL §5.2), Node's HTTP parser refuses them in headers, and PostgreSQL
 * refuses a NUL in text, so a NUL let through fails a whole statement (or a batch of events) later.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above, every occurrence
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}
