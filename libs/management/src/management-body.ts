import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { rawBodyOf } from '@app/http';
import type { RawBody } from '@app/oauth';
import { invalidBody } from './management-error';
import { validate } from './validation';

/**
 * Parses a Management API JSON body with a zod schema. The services receive bodies as raw text
 * (libs/http), so malformed JSON is ours to answer with Auth0's 400 `invalid_body`, never a 500.
 * An absent body validates as `{}`, so a missing property is reported by name.
 */
export function parseManagementBody<S extends z.ZodType>(schema: S, body: RawBody): z.output<S> {
  let input: unknown = {};
  if (body.kind === 'form') throw invalidBody(`'The body must be JSON (Content-Type: application/json)'.`);
  if (body.kind === 'json' && body.text.trim() !== '') {
    try {
      input = JSON.parse(body.text);
    } catch {
      throw invalidBody(`'Invalid JSON'.`);
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidBody(`'The body must be a JSON object'.`);
  }
  const result = validate(schema, input);
  if (!result.ok) throw invalidBody(result.problem);
  return result.value;
}

const ValidatedBody = createParamDecorator(({ schema }: { schema: z.ZodType }, context: ExecutionContext) =>
  parseManagementBody(schema, rawBodyOf(context.switchToHttp().getRequest<FastifyRequest>())),
);

/**
 * `@ManagementBody(schema) body: z.output<typeof schema>` — the validated JSON body of the request.
 * The schema travels wrapped: Nest takes any decorator argument with a `transform` method (as zod
 * schemas have) for a pipe.
 */
export function ManagementBody(schema: z.ZodType): ParameterDecorator {
  return ValidatedBody({ schema });
}
