import type { JWTPayload } from 'jose';
import { signingAlg } from '@app/contracts';
import { verifiesSignature } from './jws-signature';
import type { KeyLearner } from './jwks-key-confirmation';
import type { VerificationKeySet } from './verification-key-set';

export interface VerifiedJwt {
  readonly kid: string;
  readonly typ: string | undefined;
  readonly claims: JWTPayload & Record<string, unknown>;
}

export interface VerifierOptions {
  readonly issuer: string;
  /** Largest token accepted, in characters; anything larger is inactive without being parsed. */
  readonly maxLength?: number;
  readonly clockToleranceSeconds?: number;
}

const ALLOWED_ALGS = new Set<string>(signingAlg.options);
/** Header members we never set. A token carrying them is not ours (or is an attack: RFC 8725 §3.10). */
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit', 'zip', 'enc', 'b64'];
const KID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies a JWT we issued: the signature with a trusted key of the token's kid, the algorithm that
 * key was made for, `iss`, `exp` and `nbf`. Everything else — alg `none`, HS256 keyed with a public
 * key, unknown or injected kids, foreign issuers, broken encodings — yields null: an inactive token,
 * never an error (DESIGN §9).
 */
export class AccessTokenVerifier {
  private readonly maxLength: number;

  constructor(
    private readonly keys: VerificationKeySet,
    /** Asked about a kid no trusted key has (the JWKS, rate-limited); null: only the keys given. */
    private readonly learner: KeyLearner | null,
    private readonly options: VerifierOptions,
  ) {
    this.maxLength = options.maxLength ?? 16 * 1024;
  }

  /** True when the string has the shape of a compact JWS (cheap; decides JWT vs opaque handling). */
  static looksLikeJwt(token: string): boolean {
    return token.length < 16 * 1024 && JWT_PATTERN.test(token);
  }

  /**
   * Whether a token that did not verify names a key the signing-keys topic announced and the JWKS has
   * not confirmed yet (a rotation or a revocation moments ago): it may be genuine and verify shortly.
   * A caller that must not report success for a token it could not check (revocation) answers 503.
   */
  awaitsKeyConfirmation(token: string): boolean {
    if (token.length > this.maxLength || !JWT_PATTERN.test(token)) return false;
    const kid = decodeHeader(token)?.kid;
    return typeof kid === 'string' && this.keys.isCandidate(kid);
  }

  async verify(token: string): Promise<VerifiedJwt | null> {
    if (token.length > this.maxLength || !JWT_PATTERN.test(token)) return null;
    const header = decodeHeader(token);
    if (!header) return null;
    const { alg, kid, typ } = header;
    if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg)) return null;
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) return null;
    if (FORBIDDEN_HEADERS.some((name) => name in header)) return null;
    if (this.keys.isRevoked(kid)) return null;

    const known = this.keys.get(kid) ?? (await this.learner?.learn(kid));
    // The key decides the algorithm: a token cannot pick a weaker one for our key (alg confusion).
    if (!known || known.alg !== alg) return null;
    const [encodedHeader, encodedPayload, signature] = token.split('.') as [string, string, string];
    if (!verifiesSignature(known.alg, known.key, `${encodedHeader}.${encodedPayload}`, signature))
      return null;
    const claims = decodeSegment(encodedPayload);
    if (!claims || !this.claimsHold(claims)) return null;
    return { kid, typ: typeof typ === 'string' ? typ : undefined, claims };
  }

  /**
   * The claim checks jose's `jwtVerify` made for us (RFC 7519 §4.1): `iss` exactly ours; `exp` and
   * `iat` present and numeric; expired on or after `exp`; not yet valid before `nbf`; both with the
   * configured tolerance.
   */
  private claimsHold(claims: JWTPayload): boolean {
    const { iss, exp, iat, nbf } = claims;
    if (iss !== this.options.issuer) return false;
    if (!isNumericDate(exp) || !isNumericDate(iat)) return false;
    if (nbf !== undefined && !isNumericDate(nbf)) return false;
    const now = Math.floor(Date.now() / 1000);
    const tolerance = this.options.clockToleranceSeconds ?? 0;
    if (exp <= now - tolerance) return false;
    if (nbf !== undefined && nbf > now + tolerance) return false;
    return true;
  }
}

function decodeHeader(token: string): Record<string, unknown> | null {
  return decodeSegment(token.slice(0, token.indexOf('.')));
}

/** A base64url JSON object segment; null for anything else (broken base64, bad JSON, not an object). */
function decodeSegment(segment: string): (JWTPayload & Record<string, unknown>) | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JWTPayload & Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
