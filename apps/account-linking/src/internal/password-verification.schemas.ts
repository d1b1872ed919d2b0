import { z } from 'zod';

/**
 * `POST /internal/v1/password-verifications`: the login's credentials and realm, the client it is
 * for (the connection must be enabled for it) and the address it came from (brute-force limits).
 */
export const passwordVerificationBody = z
  .object({
    connection: z.string().min(1).max(128),
    username: z.string().min(1).max(320),
    password: z.string().min(1).max(1024),
    client_id: z.string().min(1).max(128),
    ip: z.string().min(1).max(64).optional(),
  })
  .strict();
export type PasswordVerificationBody = z.output<typeof passwordVerificationBody>;
