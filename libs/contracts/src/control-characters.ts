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

// eslint-disable-next-line no-control-regex -- as above, less the horizontal tab
const CONTROL_CHARACTER_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** A UTF-16 surrogate not part of a pair: no Unicode scalar value, so no UTF-8 encoding either. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * An unpaired surrogate: what a JSON `\ud800` escape decodes to. PostgreSQL refuses it in jsonb
 * ("unsupported Unicode escape sequence"), and in text it silently turns into U+FFFD, so a value that
 * holds one is never the value the caller meant.
 */
export function hasUnpairedSurrogate(text: string): boolean {
  return UNPAIRED_SURROGATE.test(text);
}

/**
 * Text an OAuth or browser parameter (its name or value) may be. RFC 6749 Appendix A gives every
 * parameter a syntax, the widest being UNICODECHARNOCRLF (`username`, `password`): %x09 / %x20-7E /
 * %x80-D7FF / %xE000-FFFD / %x10000-10FFFF. So no parameter admits a control character other than
 * HT, nor a surrogate code point; refusing them at the edge keeps a NUL from ever reaching PostgreSQL.
 */
export function isParameterText(text: string): boolean {
  return !CONTROL_CHARACTER_BUT_TAB.test(text) && !hasUnpairedSurrogate(text);
}

/**
 * Text PostgreSQL stores as given in `text` and `jsonb`: any Unicode scalar value except NUL. Free
 * text (a name, metadata) may hold line breaks and tabs; this is the rule for it.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !hasUnpairedSurrogate(text);
}
