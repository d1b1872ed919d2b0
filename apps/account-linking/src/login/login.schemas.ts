import { z } from 'zod';

/** Opaque values that travel in URLs: printable ASCII, bounded. */
const opaque = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/);

/**
 * `GET /login/start?connection=<name>&transaction=<issuance's transaction id>&client_id=<the
 * /authorize client>&expires=<Unix seconds>&binding=<issuance's HMAC over the four>`
 * (LoginStartBinding, security review #17; the client is checked against the connection, #13).
 */
export const loginStartQuery = z.object({
  connection: opaque(128),
  client_id: opaque(128),
  transaction: opaque(256),
  expires: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  binding: z.string().regex(/^[\w-]{43}$/),
});

/**
 * `GET /login/callback`: RFC 6749 §4.1.2 (`code`, `state`) or §4.1.2.1 (`error`, …). Other parameters
 * a provider adds (`iss`, `session_state`, `error_description`) are allowed and not used.
 */
export const loginCallbackQuery = z.object({
  state: opaque(512).optional(),
  code: opaque(4096).optional(),
  error: z
    .string()
    .max(128)
    .regex(/^[\x20-\x7e]*$/)
    .optional(),
});
