import { z } from 'zod';

/** Thrown at boot when the environment does not satisfy an app's config schema. */
export class ConfigError extends Error {}

/**
 * Validates the environment once, at boot, into one typed object (CONVENTIONS §7).
 * Errors name the variable and the offending value (`PORT=abc: expected number`), but never print
 * the value of a variable that holds a secret.
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
    const shown = raw === undefined ? '(unset)' : isSecretKey(key) ? '(hidden)' : JSON.stringify(raw);
    return `  ${key}=${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

function isSecretKey(key: string): boolean {
  return /SECRET|KEY|PASSWORD|TOKEN/i.test(key);
}
