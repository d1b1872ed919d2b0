import { z } from 'zod';

const notBefore = z
  .number({ error: 'Expected an integer number of seconds since the epoch' })
  .int('Expected an integer number of seconds since the epoch')
  .min(0, 'not_before must not be negative')
  // A not-before in the future would also revoke tokens not issued yet: refused.
  .refine((seconds) => seconds <= Math.floor(Date.now() / 1000), 'not_before must not be in the future')
  .optional();

/**
 * `POST /api/v2/token-revocations` (beyond Auth0): revoke every token of one client, or of one user,
 * issued at or before `not_before` (epoch seconds; default now).
 */
export const createTokenRevocationBody = z
  .object({
    client_id: z.string().min(1).max(256).optional(),
    user_id: z.string().min(1).max(512).optional(),
    not_before: notBefore,
  })
  .strict()
  .refine((body) => (body.client_id === undefined) !== (body.user_id === undefined), {
    message: 'Exactly one of client_id or user_id is required',
  });
export type CreateTokenRevocationBody = z.output<typeof createTokenRevocationBody>;
