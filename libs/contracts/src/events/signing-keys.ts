import { z } from 'zod';
import { defineEvent } from '../envelope';

/** DESIGN §3: next (published, not signing) → current → previous (published, verifying) → revoked (gone). */
export const signingKeyState = z.enum(['next', 'current', 'previous', 'revoked']);
export type SigningKeyState = z.output<typeof signingKeyState>;

export const signingAlg = z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']);
export type SigningAlg = z.output<typeof signingAlg>;

/** A public JWK as published in the JWKS (no private members: `d`, `p`, `q`… are refused). */
export const publicJwk = z
  .object({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().min(1),
    alg: signingAlg,
    use: z.literal('sig'),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .strict();
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
