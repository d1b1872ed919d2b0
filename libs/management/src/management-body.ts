import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { isStorableText } from '@app/contracts';
import { rawBodyOf } from '@app/http';
import { printable, type RawBody } from '@app/oauth';
import { invalidBody } from './management-error';
import { validate } from './validation';

/**
 * Parses a Management API JSON body with a zod schema. The services receive bodies as raw text
 * (libs/http), so malformed JSON is ours to answer with Auth0's 400 `invalid_body`, never a 500.
 * An absent body validates as `{}`, so a missing property is reported by name. No name or string
 * anywhere in it may hold a NUL or an unpaired surrogate (a `\u0000` or `\ud800` escape): PostgreSQL
 * stores neither, in text or jsonb (metadata), so such a body is `invalid_body`, not a 500 later.
 * Line breaks and other control characters stay allowed: free text (metadata) may hold them.
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
  // After the schema, so a field with rules of its own (an email address) keeps its own message.
  const unstorable = unstorableTextAt(input);
  if (unstorable !== undefined) {
    throw invalidBody(
      `'Text must not contain NUL characters or unpaired surrogates' on property ${unstorable}.`,
    );
  }
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

/**
 * The path (`a.b.0`) of a name or string in a parsed JSON value that PostgreSQL cannot store
 * (`isStorableText`), or undefined. Iterative: a body may nest as deep as its size allows.
 */
export function unstorableTextAt(root: unknown): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  const at = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return path === '' ? '(root)' : printable(path, 128);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: at(path, String(index)) }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (!isStorableText(key)) return printable(at(path, key), 128);
        pending.push({ value: item, path: at(path, key) });
      }
    }
  }
  return undefined;
}
