import { z } from 'zod';
import { tokenEndpointAuthMethod } from '@app/contracts';
import { paginationQuery, queryBoolean } from '@app/management';
import { SUPPORTED_ALGS } from '../signing-keys/signing-keys.service';
import { delegationSettings, tokenExchangeSettings } from './exchange-policy';

export const appType = z.enum(['native', 'spa', 'regular_web', 'non_interactive']);
export type AppType = z.output<typeof appType>;

/** Grant types Auth0 lets a client enable (reference/auth0-api.md §2.2). */
export const clientGrantType = z.enum([
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

/** An absolute URL; Auth0 allows a `*` wildcard in the host of a callback. */
const callbackUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => URL.canParse(value.replace(/\*/g, 'x')), 'Expected an absolute URL');

/**
 * An Allowed Logout URL: absolute, http(s), no fragment, no wildcard. Unlike Auth0 we take no `*`:
 * `post_logout_redirect_uri` is matched exactly (OIDC RP-Initiated Logout 1.0 §3), and so is `returnTo`.
 */
const logoutUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value) || value.includes('*')) return false;
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '';
  }, 'Expected an absolute http(s) URL without a fragment or wildcard');

/**
 * A Back-Channel Logout URL (OIDC Back-Channel Logout 1.0 §2.2): absolute http(s), no fragment. Where
 * it may point (https, no private or special-use address) is the network policy's to say, when the
 * client is saved and again at every delivery (clients-management.service.ts, backchannel-logout/).
 */
const backchannelLogoutUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '';
  }, 'Expected an absolute http(s) URL without a fragment');

/** Auth0's `oidc_logout` (`backchannel_logout_initiators` is accepted for its SDKs and not used). */
const oidcLogout = z
  .object({
    backchannel_logout_urls: z.array(backchannelLogoutUrl).max(10),
    backchannel_logout_initiators: z.unknown().optional(),
  })
  .strict();

const lifetime = z.number().int().min(1).max(31_557_600);

/** Every member optional: a PATCH merges them into the client's current settings. */
const refreshTokenSettings = z
  .object({
    rotation_type: z.enum(['rotating', 'non-rotating']),
    expiration_type: z.enum(['expiring', 'non-expiring']),
    leeway: z.number().int().min(0).max(3600),
    token_lifetime: lifetime,
    idle_token_lifetime: lifetime,
    infinite_token_lifetime: z.boolean(),
    infinite_idle_token_lifetime: z.boolean(),
  })
  .partial()
  .strict();

/**
 * ID tokens can be signed only with an algorithm we hold keys for. HS256 (Auth0's other option) would
 * need the client secret in clear, and we keep only its digest.
 */
const jwtConfiguration = z
  .object({
    alg: z.enum(SUPPORTED_ALGS as [string, ...string[]], {
      error: `Expected one of: ${SUPPORTED_ALGS.join(', ')}`,
    }),
  })
  .partial()
  .strict();

/** Auth0's `client_authentication_methods.private_key_jwt.credentials`: public keys as SPKI PEM. */
const publicKeyCredential = z
  .object({
    credential_type: z.literal('public_key'),
    name: z.string().min(1).max(128).optional(),
    pem: z.string().min(1).max(8192),
    alg: z.enum(['RS256', 'RS384', 'PS256']).default('RS256'),
  })
  .strict();

const clientAuthenticationMethods = z
  .object({
    private_key_jwt: z.object({ credentials: z.array(publicKeyCredential).min(1).max(2) }).strict(),
  })
  .strict();

const clientName = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !/[<>]/.test(value), 'The name must not contain < or >');

const clientFields = {
  app_type: appType,
  is_first_party: z.boolean(),
  grant_types: z.array(clientGrantType).max(20),
  token_endpoint_auth_method: tokenEndpointAuthMethod,
  callbacks: z.array(callbackUrl).max(100),
  allowed_logout_urls: z.array(logoutUrl).max(100),
  /** Tessera: a logout through this client revokes the session's refresh tokens too (default false). */
  logout_revokes_refresh_tokens: z.boolean(),
  oidc_logout: oidcLogout,
  jwt_configuration: jwtConfiguration,
  refresh_token: refreshTokenSettings,
  client_authentication_methods: clientAuthenticationMethods,
  /**
   * Auth0's "refresh token revocation deletes grant" (a tenant flag there, per client here): revoking
   * a refresh token revokes its whole grant (default), or only that token when false.
   */
  revoke_refresh_token_grant: z.boolean(),
  /** Tessera's token-exchange and delegation policy (exchange-policy.ts, docs/user-tokens.md). */
  token_exchange: tokenExchangeSettings,
  delegation: delegationSettings,
};

/** `POST /api/v2/clients`. The secret is ours to generate: a body cannot set it. */
export const createClientBody = z
  .object({ name: clientName, ...z.object(clientFields).partial().shape })
  .strict();
export type CreateClientBody = z.output<typeof createClientBody>;

/** `PATCH /api/v2/clients/{id}`: any subset of the fields. */
export const updateClientBody = z
  .object({ name: clientName, ...clientFields })
  .partial()
  .strict();
export type UpdateClientBody = z.output<typeof updateClientBody>;

export const listClientsQuery = paginationQuery
  .extend({
    app_type: z
      .string()
      .max(200)
      .transform((value) => value.split(','))
      .pipe(z.array(appType))
      .optional(),
    is_first_party: queryBoolean(false).optional(),
  })
  .strict();
export type ListClientsQuery = z.output<typeof listClientsQuery>;
