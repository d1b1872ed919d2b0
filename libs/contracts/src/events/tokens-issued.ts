import { z } from 'zod';
import { defineEvent } from '../envelope';

/**
 * Auth0 log type codes, so the audit stream reads like Auth0's log stream
 * (reference/auth0-api.md; e.g. `seccft` = success exchange of client credentials for an access token).
 */
export const auth0LogType = z.enum([
  'seccft',
  'feccft',
  'seacft',
  'feacft',
  'sepft',
  'fepft',
  'sertft',
  'fertft',
  'ferrt',
  'secte',
  'fecte',
  'sd',
  'fd',
]);

export const grantType = z.enum([
  'client_credentials',
  'authorization_code',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

export const accessTokenDialect = z.enum(['access_token', 'rfc9068_profile']);

const epochSeconds = z.number().int().nonnegative();

/** An access token was issued. Identifiers only: never the token itself (DESIGN §5). */
export const accessTokenIssued = defineEvent(
  'access_token.issued',
  z.object({
    jti: z.string().min(1),
    grant_id: z.string().min(1),
    client_id: z.string().min(1),
    sub: z.string().min(1),
    aud: z.array(z.string().min(1)),
    scope: z.string(),
    grant_type: grantType,
    format: z.enum(['jwt', 'opaque']),
    dialect: accessTokenDialect.optional(),
    kid: z.string().optional(),
    issued_at: epochSeconds,
    expires_at: epochSeconds,
    log_type: auth0LogType,
  }),
);

export const tokensIssuedEvents = [accessTokenIssued] as const;
