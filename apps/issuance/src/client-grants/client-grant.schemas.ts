import { z } from 'zod';
import { paginationQuery, queryText } from '@app/management';

const scopeList = z
  .array(z.string().min(1).max(280).regex(/^\S+$/, 'A scope must not contain whitespace'))
  .max(1000);

/** `POST /api/v2/client-grants`: which client may get which audience, with which scopes. */
export const createClientGrantBody = z
  .object({
    client_id: z.string().min(1).max(256),
    audience: z.string().min(1).max(600),
    scope: scopeList,
  })
  .strict();
export type CreateClientGrantBody = z.output<typeof createClientGrantBody>;

/** `PATCH /api/v2/client-grants/{id}`: only the scopes change. */
export const updateClientGrantBody = z.object({ scope: scopeList }).strict();
export type UpdateClientGrantBody = z.output<typeof updateClientGrantBody>;

export const listClientGrantsQuery = paginationQuery
  .extend({ audience: queryText(600).optional(), client_id: queryText(256).optional() })
  .strict();
export type ListClientGrantsQuery = z.output<typeof listClientGrantsQuery>;
