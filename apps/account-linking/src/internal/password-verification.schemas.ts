import { z } from 'zod';

/** `POST /internal/v1/password-verifications`: the password grant's credentials and its realm. */
export const passwordVerificationBody = z
  .object({
    connection: z.string().min(1).max(128),
    username: z.string().min(1).max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();
export type PasswordVerificationBody = z.output<typeof passwordVerificationBody>;
