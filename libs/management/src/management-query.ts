import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalidQueryString } from './management-error';
import { validate } from './validation';

/** Parses the query string with a zod schema; failures are Auth0's 400 `invalid_query_string`. */
export function parseManagementQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = validate(schema, query ?? {});
  if (!result.ok) throw invalidQueryString(result.problem);
  return result.value;
}

const ValidatedQuery = createParamDecorator(({ schema }: { schema: z.ZodType }, context: ExecutionContext) =>
  parseManagementQuery(schema, context.switchToHttp().getRequest<FastifyRequest>().query),
);

/** `@ManagementQuery(schema) query: z.output<typeof schema>` (wrapped for the reason ManagementBody gives). */
export function ManagementQuery(schema: z.ZodType): ParameterDecorator {
  return ValidatedQuery({ schema });
}

/** A query flag: `true`/`false` as Auth0 sends them (absent = `fallback`). */
export function queryBoolean(fallback: boolean) {
  return z
    .enum(['true', 'false'], { error: 'Expected true or false' })
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true'));
}

/**
 * A single-valued text parameter (a repeated parameter arrives as an array and is refused). A NUL is
 * refused too: PostgreSQL cannot take it in text, so it would otherwise fail as a 500.
 */
export function queryText(maxLength = 2048) {
  return z
    .string({ error: 'Expected a single string' })
    .min(1)
    .max(maxLength)
    .refine((value) => !value.includes('\u0000'), 'Expected text without NUL characters');
}
