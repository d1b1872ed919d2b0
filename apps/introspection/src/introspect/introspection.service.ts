import { Injectable } from '@nestjs/common';
import type { IntrospectionCaller } from '../callers/introspection-caller';
import { mayIntrospect } from '../callers/introspection-policy';
import { LiveTokenResolver, type LiveToken } from '../tokens/live-token-resolver';

/** RFC 7662 §2.2 response. Inactive is exactly `{ active: false }`: no hint of why. */
export type ActiveIntrospection = {
  active: true;
  scope: string;
  client_id: string;
  sub: string;
  aud: string | string[];
  iss: string;
  exp: number;
  iat: number;
  nbf?: number;
  jti: string;
  /** RFC 7662 §2.2 / RFC 6749 §7.1: access tokens are `Bearer`; refresh tokens say what they are. */
  token_type: 'Bearer' | 'refresh_token';
  act?: unknown;
};
export type IntrospectionResponse = { active: false } | ActiveIntrospection;

const INACTIVE: IntrospectionResponse = { active: false };

@Injectable()
export class IntrospectionService {
  constructor(private readonly tokens: LiveTokenResolver) {}

  /**
   * `token_type_hint` (RFC 7662 §2.1) is not a parameter: the token's shape already picks the one
   * lookup that can succeed (refresh tokens are never JWTs), so a hint could save nothing and must
   * change nothing.
   */
  async introspect(token: string, caller: IntrospectionCaller): Promise<IntrospectionResponse> {
    const live = await this.tokens.resolve(token);
    if (!live || !mayIntrospect(caller, live)) return INACTIVE;
    return toResponse(live);
  }
}

function toResponse(live: LiveToken): ActiveIntrospection {
  return {
    active: true,
    scope: live.scope,
    client_id: live.clientId,
    sub: live.sub,
    aud: live.aud,
    iss: live.iss,
    exp: live.exp,
    iat: live.iat,
    ...(live.nbf !== undefined ? { nbf: live.nbf } : {}),
    jti: live.jti,
    token_type: live.kind === 'refresh_token' ? 'refresh_token' : 'Bearer',
    ...(live.act !== undefined ? { act: live.act } : {}),
  };
}
