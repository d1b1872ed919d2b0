import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenVerifier, JwksKeyConfirmation, VerificationKeySet } from '@app/jwt';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';

/** What a verified `id_token_hint` says: whose session, and for which client. */
export interface IdTokenHint {
  readonly clientId: string;
  readonly sub: string;
  readonly sid: string | undefined;
}

/**
 * OIDC RP-Initiated Logout 1.0 §2: the OP should accept an expired `id_token_hint` it issued. An ID
 * token cannot name a session older than the longest session (7 days) plus its own lifetime (10 h),
 * so that is how expired a hint may be; past it no session it names can still be live.
 */
const EXPIRED_HINT_TOLERANCE_SECONDS = 7 * 86_400 + 36_000;

/**
 * Verifies `id_token_hint`: signed by one of our published keys (the same hostile-token-proof checks
 * as every validator: no `none`, no algorithm confusion, no injected keys), `iss` exactly ours, and a
 * single audience (our ID tokens carry the client id). Anything else is null: `invalid_request`.
 */
@Injectable()
export class IdTokenHintVerifier {
  private readonly verifier: AccessTokenVerifier;

  constructor(
    keys: VerificationKeySet,
    // The validators' own key trust: a kid is used only once the issuer's JWKS publishes it (ADR 0017).
    confirmation: JwksKeyConfirmation,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    this.verifier = new AccessTokenVerifier(keys, confirmation, {
      issuer: config.TESSERA_ISSUER,
      clockToleranceSeconds: EXPIRED_HINT_TOLERANCE_SECONDS,
    });
  }

  async verify(token: string): Promise<IdTokenHint | null> {
    const verified = await this.verifier.verify(token);
    if (!verified || verified.typ !== 'JWT') return null;
    const { aud, sub, sid } = verified.claims;
    const clientId =
      typeof aud === 'string' ? aud : Array.isArray(aud) && aud.length === 1 ? aud[0] : undefined;
    if (typeof clientId !== 'string' || typeof sub !== 'string' || sub.length === 0) return null;
    // An access token of ours is a JWT too: it has an API audience and no `azp` equal to it.
    if (verified.claims.azp !== clientId) return null;
    return { clientId, sub, sid: typeof sid === 'string' ? sid : undefined };
  }
}
