import { z } from 'zod';

/** Thrown at boot when the environment does not satisfy an app's config schema. */
export class ConfigError extends Error {}

/**
 * Validates the environment once, at boot, into one typed object (CONVENTIONS §7).
 * Errors name the variable and the offending value (`PORT=abc: expected number`), but never print
 * the value of a variable that holds a secret, nor the credentials of a URL in any value
 * (`DATABASE_URL=postgres://user:password@host/db` is shown as `postgres://***@host/db`).
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const raw = env[key];
    const shown =
      raw === undefined ? '(unset)' : isSecretKey(key) ? '(hidden)' : JSON.stringify(withoutUserinfo(raw));
    return `  ${key}=${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

function isSecretKey(key: string): boolean {
  return /SECRET|KEY|PASSWORD|TOKEN/i.test(key);
}

/**
 * The value with the userinfo (RFC 3986 §3.2.1: `user:password@`) of every URL in it replaced by
 * `***`, whatever the variable is called. Up to the last `@` of each comma- or space-separated part,
 * so a password with an unescaped `@` or `/` is hidden whole; a value that does not even parse as a URL
 * (the reason it is shown) is redacted all the same.
 */
export function withoutUserinfo(value: string): string {
  return value.replace(/[^\s,]+/g, (part) => {
    const authority = part.indexOf('//');
    const at = part.lastIndexOf('@');
    return authority === -1 || at < authority ? part : `${part.slice(0, authority + 2)}***${part.slice(at)}`;
  });
}
