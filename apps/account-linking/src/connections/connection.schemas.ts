import { z } from 'zod';
import { paginationQuery, queryText } from '@app/management';
import type { OutboundNetworkPolicy } from '@app/http';

/** Auth0's connection name rule: letters, digits and inner hyphens, at most 128 characters. */
export const connectionName = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    'A connection name contains letters, digits and hyphens, and starts and ends with a letter or digit',
  );

const clientId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_-]+$/, 'Expected a client id');
/** Syntax only: whether http is allowed, and to which hosts, is the network policy's call (oidcOptionsUnder). */
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
/** OIDC scopes, space-separated as Auth0 takes them (`openid profile email`). */
const scopes = z
  .string()
  .max(1000)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'Expected space-separated scopes');

/**
 * Options of an upstream OpenID Connect provider (Auth0 strategy `oidc`): where to discover it
 * (`discovery_url`, or `issuer` whose `/.well-known/openid-configuration` is used), the client
 * registered there, and the scopes to ask for. The client secret is sealed at rest, never returned.
 */
export const oidcOptions = z
  .object({
    type: z.enum(['back_channel', 'front_channel']).default('back_channel'),
    discovery_url: httpUrl.optional(),
    issuer: httpUrl.optional(),
    client_id: z.string().min(1).max(512),
    client_secret: z.string().min(1).max(2048).optional(),
    scopes: scopes.default('openid profile email'),
  })
  .strict()
  .refine((options) => options.discovery_url !== undefined || options.issuer !== undefined, {
    message: 'An oidc connection needs discovery_url or issuer',
  });
export type OidcOptions = z.output<typeof oidcOptions>;

/**
 * The options as a connection is saved with them: its URLs are https to public hosts unless the
 * deployment allows private networks (security review #6). A name's addresses are checked again at
 * every request, after DNS; here only what the URL itself says.
 */
export function oidcOptionsUnder(policy: OutboundNetworkPolicy) {
  return oidcOptions.superRefine((options, context) => {
    for (const key of ['discovery_url', 'issuer'] as const) {
      const url = options[key];
      const problem = url === undefined ? null : policy.urlProblem(url);
      if (problem !== null) context.addIssue({ code: 'custom', message: problem, path: [key] });
    }
  });
}

const commonFields = {
  display_name: z.string().min(1).max(128),
  enabled_clients: z.array(clientId).max(1000),
  realms: z.array(connectionName).max(10),
};

/** `POST /api/v2/connections`: only `oidc` connections are created; the database connection is built in. */
export const createConnectionBody = z
  .object({
    name: connectionName,
    strategy: z.enum(['oidc', 'auth0'], { error: 'Expected one of: oidc, auth0' }),
    options: z.record(z.string(), z.unknown()).optional(),
    ...z.object(commonFields).partial().shape,
  })
  .strict();
export type CreateConnectionBody = z.output<typeof createConnectionBody>;

/** `PATCH /api/v2/connections/{id}`: name and strategy are permanent; `options` replaces the options. */
export const updateConnectionBody = z
  .object({ options: z.record(z.string(), z.unknown()), ...commonFields })
  .partial()
  .strict();
export type UpdateConnectionBody = z.output<typeof updateConnectionBody>;

export const listConnectionsQuery = paginationQuery
  .extend({ strategy: z.enum(['oidc', 'auth0']).optional(), name: queryText(128).optional() })
  .strict();
export type ListConnectionsQuery = z.output<typeof listConnectionsQuery>;
