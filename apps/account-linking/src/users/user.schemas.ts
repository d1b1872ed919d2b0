import { z } from 'zod';
import { paginationQuery, queryText } from '@app/management';
import { printable } from '@app/oauth';
import { RESERVED_APP_METADATA_KEYS } from './metadata';

/** Caller text echoed in an error (any JSON value): bounded and stripped of control characters. */
function printableValue(value: unknown): string {
  return printable(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), 64);
}

/** Auth0's message for a malformed address: `Object didn't pass validation for format email: …`. */
export const email = z
  .string()
  .max(254, 'Email addresses have at most 254 characters')
  .pipe(
    z.email({
      error: (issue) => `Object didn't pass validation for format email: ${printableValue(issue.input)}`,
    }),
  );

/** What Auth0 allows after `auth0|` when the caller chooses the id: no `|`, no whitespace. */
const customUserId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.@+-]+$/, 'user_id may contain only letters, digits and _ . @ + -');

const username = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.@+-]+$/, 'username may contain only letters, digits and _ . @ + -');

/** Passwords are checked against the policy in the service (PasswordStrengthError), not here. */
const password = z.string().max(1024);

/** Metadata: a JSON object whose root keys contain no `.` and do not start with `$` (Auth0). */
function metadata(reservedKeys: ReadonlySet<string> = new Set()) {
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    for (const key of Object.keys(value)) {
      if (key.length === 0 || key.length > 255 || key.includes('.') || key.startsWith('$')) {
        context.addIssue({
          code: 'custom',
          message: `Metadata keys must be 1 to 255 characters, without '.' and not starting with '$': ${printableValue(key)}`,
        });
      } else if (reservedKeys.has(key)) {
        context.addIssue({ code: 'custom', message: `${key} is a reserved app_metadata key` });
      }
    }
  });
}

const profileFields = {
  email_verified: z.boolean(),
  username,
  name: z.string().min(1).max(300),
  nickname: z.string().min(1).max(300),
  given_name: z.string().min(1).max(150),
  family_name: z.string().min(1).max(150),
  picture: z.url({ protocol: /^https?$/ }).max(2048),
  blocked: z.boolean(),
  /** Auth0 sends a verification email; Tessera sends no email, so the flag is accepted and has no effect. */
  verify_email: z.boolean(),
  user_metadata: metadata(),
  app_metadata: metadata(RESERVED_APP_METADATA_KEYS),
};

/** `POST /api/v2/users` for the database connection: `connection`, `email` and `password` are required. */
export const createUserBody = z
  .object({
    connection: z.string().min(1).max(128),
    email,
    password,
    user_id: customUserId.optional(),
    ...z.object(profileFields).partial().shape,
  })
  .strict();
export type CreateUserBody = z.output<typeof createUserBody>;

/** `PATCH /api/v2/users/{id}`: any profile field, the email or the password; metadata is merged. */
export const updateUserBody = z
  .object({
    email,
    password,
    /** Auth0 asks for it with email/password changes of secondary identities; only the user's own is. */
    connection: z.string().min(1).max(128),
    ...profileFields,
  })
  .partial()
  .strict();
export type UpdateUserBody = z.output<typeof updateUserBody>;

/** `GET /api/v2/users`: pages, and Auth0's Lucene `q` restricted to `email:"…"`. */
export const listUsersQuery = paginationQuery
  .extend({
    q: queryText(1024).optional(),
    search_engine: z.enum(['v1', 'v2', 'v3']).optional(),
  })
  .strict();
export type ListUsersQuery = z.output<typeof listUsersQuery>;

/** `GET /api/v2/users-by-email?email=…`: exact, case-insensitive match. */
export const usersByEmailQuery = z.object({ email: queryText(254) }).strict();
export type UsersByEmailQuery = z.output<typeof usersByEmailQuery>;

/** `email:"a@b.c"` or `email:a@b.c`: the one field query this service answers. */
export function emailFromQuery(q: string): string | null {
  const match = /^\s*email\s*:\s*(?:"([^"]*)"|([^\s"]+))\s*$/.exec(q);
  return match ? (match[1] ?? match[2] ?? null) : null;
}
