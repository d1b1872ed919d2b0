import { Inject, Injectable } from '@nestjs/common';
import {
  deriveIntrospectionResponseKey,
  signWithIntrospectionKey,
  type IntrospectionResponseKey,
} from '@app/jwt';
import { OAuthError } from '@app/oauth';
import { INTROSPECTION_CONFIG, type IntrospectionConfig } from '../config/introspection.config';
import type { IntrospectionResponse } from './introspection.service';

/** RFC 9701 §4: the media type a caller sends in `Accept` to get a signed answer, and gets back. */
export const INTROSPECTION_JWT_MEDIA_TYPE = 'application/token-introspection+jwt';

/** True when the `Accept` header names the signed-answer media type (any case, with or without parameters). */
export function wantsSignedAnswer(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    // RFC 9110 §12.4.2: q=0 means "not acceptable".
    return type === INTROSPECTION_JWT_MEDIA_TYPE && !params.some((param) => /^q=0(\.0{0,3})?$/.test(param));
  });
}

/** A signed answer was asked for and this deployment cannot sign (no `TESSERA_ENCRYPTION_KEY`). */
export class SignedAnswerUnavailableError extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 406;
  constructor() {
    super(`This server cannot answer ${INTROSPECTION_JWT_MEDIA_TYPE}`);
  }
}

/**
 * RFC 9701 signed introspection answers: a JWT with `typ: token-introspection+jwt`, `iss` = the
 * issuer, `aud` = the calling client, `iat`, and the RFC 7662 answer as the `token_introspection`
 * claim — verifiable with the issuer's JWKS, where issuance publishes the same derived key.
 */
@Injectable()
export class SignedIntrospection {
  private readonly key: IntrospectionResponseKey | null;
  private readonly issuer: string;

  constructor(@Inject(INTROSPECTION_CONFIG) config: IntrospectionConfig) {
    this.key = config.TESSERA_ENCRYPTION_KEY
      ? deriveIntrospectionResponseKey(config.TESSERA_ENCRYPTION_KEY)
      : null;
    this.issuer = config.TESSERA_ISSUER;
  }

  sign(answer: IntrospectionResponse, audience: string | undefined): string {
    if (!this.key) throw new SignedAnswerUnavailableError();
    return signWithIntrospectionKey(
      this.key,
      { typ: 'token-introspection+jwt' },
      {
        iss: this.issuer,
        ...(audience !== undefined ? { aud: audience } : {}),
        iat: Math.floor(Date.now() / 1000),
        token_introspection: answer,
      },
    );
  }
}
