import type { z } from 'zod';
import { printable } from '@app/oauth';

/**
 * Parses `input` with `schema`; on failure returns one sentence in Auth0's style for the first
 * problem, e.g. `'Missing required property: name'.` or `'Expected string' on property app_type.`
 */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.output<S> } | { ok: false; problem: string } {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: describeIssue(parsed.error.issues[0]) };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return `'Invalid value'.`;
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const at = path ? ` on property ${path}` : '';
    return `'Additional properties not allowed: ${issue.keys.map((name) => printable(name, 64)).join(',')}'${at}.`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined && path) {
    return `'Missing required property: ${path}'.`;
  }
  return path ? `'${issue.message}' on property ${path}.` : `'${issue.message}'.`;
}
