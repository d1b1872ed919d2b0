/**
 * Caller-supplied text echoed in an error: bounded and stripped of control characters, so an error
 * never reflects junk (or markup) back. `max` is how much of it is worth showing.
 */
export function printable(value: string, max: number): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
