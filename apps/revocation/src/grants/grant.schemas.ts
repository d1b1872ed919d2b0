import { z } from 'zod';
import { paginationQuery, queryText } from '@app/management';

/** `GET /api/v2/grants`. */
export const listGrantsQuery = paginationQuery
  .extend({
    user_id: queryText(512).optional(),
    client_id: queryText(256).optional(),
    audience: queryText(2048).optional(),
  })
  .strict();
export type ListGrantsQuery = z.output<typeof listGrantsQuery>;

/** `DELETE /api/v2/grants?user_id=`: every grant of the user. */
export const deleteGrantsQuery = z.object({ user_id: queryText(512) }).strict();
export type DeleteGrantsQuery = z.output<typeof deleteGrantsQuery>;
