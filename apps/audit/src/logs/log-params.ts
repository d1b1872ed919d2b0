import { z } from 'zod';
import { MAX_PER_PAGE, paginationQuery, queryBoolean, queryText } from '@app/management';
import { LOG_FIELDS, type LogField } from './log-view';

/** Auth0 pages through at most 1,000 search results (Management API "Search log events"). */
export const MAX_SEARCH_RESULTS = 1000;

const fields = queryText(1024)
  .transform((value) =>
    value
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(z.enum(LOG_FIELDS, { error: `Expected comma-separated log fields (${LOG_FIELDS.join(', ')})` })),
  );

const sort = z.enum(['date:1', 'date:-1'], { error: 'sort must be date:1 or date:-1' });

const searchFields = {
  sort: sort.optional(),
  fields: fields.optional(),
  include_fields: queryBoolean(true),
  ...paginationQuery.shape,
};

function withinSearchLimit(query: { page: number; per_page: number }): boolean {
  return (query.page + 1) * query.per_page <= MAX_SEARCH_RESULTS;
}
const searchLimitMessage = `page and per_page reach past the first ${MAX_SEARCH_RESULTS} results; narrow the search with q`;

/** `GET /api/v2/logs`: a search (`q`, `sort`, pages) or a checkpoint read (`from`, `take`). */
export const logsQuery = z
  .object({
    q: queryText(2048).optional(),
    from: queryText(64).optional(),
    take: z.coerce
      .number({ error: 'Expected a number for take' })
      .int('Expected an integer take')
      .min(1, 'take must be at least 1')
      .max(MAX_PER_PAGE, `take must be at most ${MAX_PER_PAGE}`)
      .optional(),
    ...searchFields,
  })
  .refine(withinSearchLimit, searchLimitMessage);
export type LogsQuery = z.output<typeof logsQuery>;

/** `GET /api/v2/users/{id}/logs`. */
export const userLogsQuery = z.object(searchFields).refine(withinSearchLimit, searchLimitMessage);
export type UserLogsQuery = z.output<typeof userLogsQuery>;

export type FieldSelection = { fields?: LogField[]; include_fields: boolean };
