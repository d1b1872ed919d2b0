import { z } from 'zod';

/** The part of a user id after `provider|`, as the Management API takes it: printable ASCII. */
const providerUserId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'user_id contains only printable ASCII characters');

const provider = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'provider contains only letters, digits, _ and -');

/**
 * `POST /api/v2/users/{id}/identities`: either the secondary identity by name (server side) or the
 * secondary account's ID token (`link_with`); never both (Auth0, reference/auth0-api.md §3).
 */
export const linkIdentityBody = z
  .object({
    provider,
    user_id: providerUserId,
    connection_id: z.string().min(1).max(64),
    link_with: z
      .string()
      .min(1)
      .max(16 * 1024),
  })
  .partial()
  .strict()
  .transform((body, context) => {
    if (body.link_with !== undefined) {
      if (body.provider !== undefined || body.user_id !== undefined || body.connection_id !== undefined) {
        context.addIssue({
          code: 'custom',
          message: 'When link_with is sent, provider, user_id and connection_id must not be sent',
        });
        return z.NEVER;
      }
      return { kind: 'id_token' as const, idToken: body.link_with };
    }
    for (const property of ['provider', 'user_id'] as const) {
      if (body[property] === undefined) {
        context.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: [property] });
        return z.NEVER;
      }
    }
    return {
      kind: 'identity' as const,
      provider: body.provider!,
      userId: body.user_id!,
      connectionId: body.connection_id,
    };
  });
export type LinkIdentityBody = z.output<typeof linkIdentityBody>;
