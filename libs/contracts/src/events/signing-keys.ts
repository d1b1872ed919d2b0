import { z } from 'zod';
import { defineEvent } from '../envelope';

/** DESIGN §3: next (published, not signing) → current → previous (published, verifying) → revoked (gone). */
export const signingKeyState = z.enum(['next', 'current', 'previous', 'revoked']);
export type SigningKeyState = z.output<typeof signingKeyState>;

export const signingAlg = z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']);
export type SigningAlg = z.output<typeof signingAlg>;

/** JWK members that belong to a private or symmetric key (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * A public JWK as published in the JWKS. Private members (`d`, `p`, `q`…) are refused by name; other
 * members this version does not know (a newer producer's `x5c`, say: a minor addition) are dropped,
 * so a key event stays applicable across a rolling deploy instead of being dead-lettered.
 */
export const publicJwk = z.object({
  kty: z.enum(['RSA', 'EC', 'OKP']),
  kid: z.string().min(1),
  alg: signingAlg,
  use: z.literal('sig'),
  n: z.string().optional(),
  e: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
  ...(Object.fromEntries(PRIVATE_JWK_MEMBERS.map((member) => [member, z.never().optional()])) as Record<
    (typeof PRIVATE_JWK_MEMBERS)[number],
    z.ZodOptional<z.ZodNever>
  >),
});
export type PublicJwk = z.output<typeof publicJwk>;

/** Every signing-key event carries the key's full snapshot, so the latest event per kid is the whole truth. */
const signingKeySnapshot = z.object({
  kid: z.string().min(1),
  alg: signingAlg,
  state: signingKeyState,
  public_jwk: publicJwk,
});
export type SigningKeySnapshot = z.output<typeof signingKeySnapshot>;

export const signingKeyCreated = defineEvent('signing_key.created', signingKeySnapshot);
export const signingKeyStateChanged = defineEvent('signing_key.state_changed', signingKeySnapshot);
export const signingKeyRevoked = defineEvent('signing_key.revoked', signingKeySnapshot);

export const signingKeyEvents = [signingKeyCreated, signingKeyStateChanged, signingKeyRevoked] as const;
