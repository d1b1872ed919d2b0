import { jwtVerify, type JWTPayload } from 'jose';
import { signingAlg } from '@app/contracts';
import type { JwksFetcher } from './jwks-fetcher';
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
    private readonly fetcher: JwksFetcher | null,
    private readonly options: VerifierOptions,
  ) {
    this.maxLength = options.maxLength ?? 16 * 1024;
  }

  /** True when the string has the shape of a compact JWS (cheap; decides JWT vs opaque handling). */
  static looksLikeJwt(token: string): boolean {
    return token.length < 16 * 1024 && JWT_PATTERN.test(token);
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

    const known = this.keys.get(kid) ?? (await this.learn(kid));
    // The key decides the algorithm: a token cannot pick a weaker one for our key (alg confusion).
    if (!known || known.alg !== alg) return null;
    try {
      const { payload } = await jwtVerify(token, await known.key, {
        issuer: this.options.issuer,
        algorithms: [known.alg],
        clockTolerance: this.options.clockToleranceSeconds ?? 0,
        requiredClaims: ['exp', 'iat'],
      });
      return {
        kid,
        typ: typeof typ === 'string' ? typ : undefined,
        claims: payload,
      };
    } catch {
      return null;
    }
  }

  private async learn(kid: string) {
    if (!this.fetcher) return undefined;
    const jwks = await this.fetcher.fetch();
    for (const jwk of jwks ?? []) this.keys.trust(jwk);
    return this.keys.get(kid);
  }
}

function decodeHeader(token: string): Record<string, unknown> | null {
  try {
    const json = Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8');
    const header: unknown = JSON.parse(json);
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
