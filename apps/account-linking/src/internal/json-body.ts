import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { rawBodyOf } from '@app/http';
import { validate } from '@app/management';
import { InvalidRequestError } from '@app/oauth';

/** An internal API's JSON body, or 400 `invalid_request` (OAuth bodies, which issuance relays). */
export function parseInternalBody<S extends z.ZodType>(request: FastifyRequest, schema: S): z.output<S> {
  const raw = rawBodyOf(request);
  if (raw.kind !== 'json')
    throw new InvalidRequestError('The body must be JSON (Content-Type: application/json)');
  let input: unknown;
  try {
    input = JSON.parse(raw.text);
  } catch {
    throw new InvalidRequestError('The body is not valid JSON');
  }
  const result = validate(schema, input);
  if (!result.ok) throw new InvalidRequestError(`Invalid body: ${result.problem}`);
  return result.value;
}
