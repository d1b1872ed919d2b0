import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import type { z } from 'zod';
import {
  accessTokenIssued,
  GRANT_ID_CLAIM,
  TOPICS,
  type auth0LogType,
  type EventContext,
  type grantType,
  type SigningAlg,
} from '@app/contracts';
import type { OutboxEvent } from '@app/outbox';
import { randomToken } from '@app/secrets';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import type { TokenDialect } from '../resource-servers/resource-server.entity';
import { SigningKeysService } from '../signing-keys/signing-keys.service';

type GrantType = z.output<typeof grantType>;
type LogType = z.output<typeof auth0LogType>;

export interface AccessTokenRequest {
  readonly clientId: string;
  readonly sub: string;
  readonly audience: readonly string[];
  readonly scope: string;
  /** Auth0's `gty` claim, only for client-credentials, password and refresh_token grants. */
  readonly gty?: 'client-credentials' | 'password' | 'refresh_token';
  readonly alg: SigningAlg;
  readonly dialect: TokenDialect;
  readonly lifetimeSeconds: number;
  /** RFC 8693 §4.1: who acts on behalf of `sub` (a chain, the current actor outermost). */
  readonly act?: ActorClaim;
  /**
   * The user's grant, carried as the `grant_id` claim so that an exchange can keep the lineage
   * (docs/adr/0009). Client-credentials tokens have none.
   */
  readonly grantId?: string;
  /**
   * The login session the token comes from, carried as the `sid` claim (as in the ID token, and as
   * Keycloak's access tokens do): a validator then ends it with its session the moment the session's
   * revocation arrives, without waiting for the registry to learn which grants the session had.
   */
  readonly sessionId?: string;
}

export interface ActorClaim {
  readonly sub: string;
  readonly act?: ActorClaim;
}

export interface MintedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly kid: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Signs JWT access tokens in either dialect (DESIGN §3, reference/auth0-api.md §1.2):
 * - `access_token` (Auth0 profile): `typ: JWT`, `azp`, `gty`;
 * - `rfc9068_profile`: `typ: at+jwt`, `client_id`, never `gty`.
 * Both always carry a `jti`, so any token can be revoked.
 */
@Injectable()
export class AccessTokenMinter {
  constructor(
    private readonly signingKeys: SigningKeysService,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  async mint(request: AccessTokenRequest): Promise<MintedAccessToken> {
    const signer = await this.signingKeys.signer(request.alg);
    const jti = randomToken(16);
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + request.lifetimeSeconds;
    const aud = request.audience.length === 1 ? request.audience[0]! : [...request.audience];
    const claims: Record<string, unknown> =
      request.dialect === 'rfc9068_profile'
        ? { client_id: request.clientId, scope: request.scope }
        : { azp: request.clientId, scope: request.scope, ...(request.gty ? { gty: request.gty } : {}) };
    if (request.act) claims.act = request.act;
    if (request.grantId !== undefined) claims[GRANT_ID_CLAIM] = request.grantId;
    if (request.sessionId !== undefined) claims.sid = request.sessionId;
    const token = await new SignJWT(claims)
      .setProtectedHeader({
        alg: signer.alg,
        typ: request.dialect === 'rfc9068_profile' ? 'at+jwt' : 'JWT',
        kid: signer.kid,
      })
      .setIssuer(this.config.TESSERA_ISSUER)
      .setSubject(request.sub)
      .setAudience(aud)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(jti)
      .sign(signer.key);
    return { token, jti, kid: signer.kid, issuedAt, expiresAt };
  }
}

/**
 * The audit event of a minted JWT access token, keyed by its grant: what the request asked for
 * and what the minter made, never the token itself.
 */
export function jwtIssuedEvent(
  request: AccessTokenRequest,
  minted: MintedAccessToken,
  facts: {
    grantId: string;
    grantType: GrantType;
    logType: LogType;
    /** The subject token's jti, for a token made by exchange (its lineage, docs/adr/0009). */
    sourceJti?: string;
  },
  context: EventContext,
): OutboxEvent {
  return {
    topic: TOPICS.tokensIssued.name,
    key: facts.grantId,
    event: accessTokenIssued.create(
      {
        jti: minted.jti,
        grant_id: facts.grantId,
        client_id: request.clientId,
        sub: request.sub,
        aud: [...request.audience],
        scope: request.scope,
        grant_type: facts.grantType,
        format: 'jwt',
        dialect: request.dialect,
        kid: minted.kid,
        ...(request.sessionId !== undefined ? { session_id: request.sessionId } : {}),
        ...(request.act ? { act: { sub: request.act.sub } } : {}),
        ...(facts.sourceJti !== undefined ? { source_jti: facts.sourceJti } : {}),
        issued_at: minted.issuedAt,
        expires_at: minted.expiresAt,
        log_type: facts.logType,
      },
      context,
    ),
  };
}
