import { z } from 'zod';
import { queryBoolean } from './management-query';

/** Auth0's largest page (Management API v2 "Pagination"). */
export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 50;

/** `page` (0-based), `per_page` and `include_totals`, as every Auth0 list endpoint takes them. */
export const paginationQuery = z.object({
  page: z.coerce
    .number({ error: 'Expected a page number' })
    .int('Expected an integer page')
    .min(0, 'page must be 0 or more')
    .max(100_000)
    .default(0),
  per_page: z.coerce
    .number({ error: 'Expected a page size' })
    .int('Expected an integer per_page')
    .min(1, 'per_page must be at least 1')
    .max(MAX_PER_PAGE, `per_page must be at most ${MAX_PER_PAGE}`)
    .default(DEFAULT_PER_PAGE),
  include_totals: queryBoolean(false),
});
export type Pagination = z.output<typeof paginationQuery>;

/** The rows a page covers, for a repository's `skip`/`take`. */
export function pageWindow(pagination: Pagination): { skip: number; take: number } {
  return { skip: pagination.page * pagination.per_page, take: pagination.per_page };
}

/**
 * A page in Auth0's shape: the bare array, or with `include_totals=true`
 * `{start, limit, length, total, <key>: items}` (e.g. `clients`, `client_grants`).
 */
export function pageOf<T, K extends string>(
  key: K,
  items: readonly T[],
  total: number,
  pagination: Pagination,
): T[] | ({ start: number; limit: number; length: number; total: number } & Record<K, T[]>) {
  if (!pagination.include_totals) return [...items];
  return {
    start: pagination.page * pagination.per_page,
    limit: pagination.per_page,
    length: items.length,
    total,
    [key]: [...items],
  } as { start: number; limit: number; length: number; total: number } & Record<K, T[]>;
}
