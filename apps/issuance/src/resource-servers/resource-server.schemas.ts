import { z } from 'zod';
import { MAX_TOKEN_LIFETIME_SECONDS } from '@app/contracts';
import { paginationQuery } from '@app/management';
import { SUPPORTED_ALGS } from '../signing-keys/signing-keys.service';

/** A scope value is one token of a space-delimited `scope` claim: no whitespace. */
const scope = z
  .object({
    value: z.string().min(1).max(280).regex(/^\S+$/, 'A scope value must not contain whitespace'),
    description: z.string().max(500).optional(),
  })
  .strict();

const resourceServerFields = {
  name: z.string().min(1).max(200),
  scopes: z.array(scope).max(1000),
  /** Access tokens can be signed only with an algorithm we hold keys for. */
  signing_alg: z.enum(SUPPORTED_ALGS as [string, ...string[]], {
    error: `Expected one of: ${SUPPORTED_ALGS.join(', ')}`,
  }),
  /** Seconds; Auth0's maximum is 30 days. */
  token_lifetime: z.number().int().min(60).max(MAX_TOKEN_LIFETIME_SECONDS),
  token_dialect: z.enum(['access_token', 'rfc9068_profile']),
  allow_offline_access: z.boolean(),
};

/** `POST /api/v2/resource-servers`: the identifier (the `aud` of its tokens) is required and permanent. */
export const createResourceServerBody = z
  .object({
    identifier: z.string().min(1).max(600),
    ...z.object(resourceServerFields).partial().shape,
  })
  .strict();
export type CreateResourceServerBody = z.output<typeof createResourceServerBody>;

/** `PATCH /api/v2/resource-servers/{id}`: the identifier cannot change. */
export const updateResourceServerBody = z.object(resourceServerFields).partial().strict();
export type UpdateResourceServerBody = z.output<typeof updateResourceServerBody>;

export const listResourceServersQuery = paginationQuery.strict();
export type ListResourceServersQuery = z.output<typeof listResourceServersQuery>;
