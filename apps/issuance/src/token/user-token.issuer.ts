import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import {
  accessTokenIssued,
  idTokenIssued,
  originFields,
  refreshTokenIssued,
  refreshTokenRotated,
  TOPICS,
  type auth0LogType,
  type EventContext,
  type grantType,
  type OpaqueTokenRecord,
  type SigningAlg,
  type UserSnapshot,
} from '@app/contracts';
import { Outbox, type OutboxEvent } from '@app/outbox';
import { randomToken } from '@app/secrets';
import type { ClientEntity } from '../clients/client.entity';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import type { ResourceServerEntity } from '../resource-servers/resource-server.entity';
import { AccessTokenMinter, jwtIssuedEvent, type AccessTokenRequest } from './access-token.minter';
import { IdTokenMinter } from './id-token.minter';
import { OpaqueTokenStore } from './opaque-token.store';
import { effectiveExpiry, refreshTokenLifetimes } from './refresh-tokens/refresh-token-lifetimes';
import { RefreshTokensRepository, type RefreshTokenRow } from './refresh-tokens/refresh-tokens.repository';
import type { TokenResponse } from './token-response';

/** Auth0: an access token good only at `/userinfo` lives 24 h after a code or password login. */
const USERINFO_TOKEN_LIFETIME_SECONDS = 86_400;

type GrantType = z.output<typeof grantType>;
type LogType = z.output<typeof auth0LogType>;

/** Who gets tokens, for what, and on which grant. */
export interface UserTokenRequest {
  readonly client: ClientEntity;
  readonly user: UserSnapshot;
  /** The API of the access token, or null for an opaque token only good at `/userinfo`. */
  readonly api: ResourceServerEntity | null;
  readonly scopes: readonly string[];
  readonly grantType: GrantType;
  readonly grantId: string;
  readonly logType: LogType;
  readonly sessionId?: string;
  readonly authTime?: number;
  readonly nonce?: string;
  readonly device?: string;
}

/** A refresh token being exchanged: its row, and whether the exchange rotates it. */
export interface RefreshExchange {
  readonly presented: RefreshTokenRow;
  readonly rotate: boolean;
}

interface Minted {
  readonly response: TokenResponse;
  readonly events: OutboxEvent[];
  readonly opaque: { hash: string; record: OpaqueTokenRecord; grantExpiresAt: number | null }[];
  readonly refreshRow: RefreshTokenRow | null;
}

/**
 * Issues a user's tokens (DESIGN §3): the access token (JWT for an API, opaque for `/userinfo`), an
 * ID token when `openid` was granted, and a refresh token when `offline_access` was. Opaque tokens
 * go to the shared store before the transaction commits; the refresh-token row and every
 * `tokens.issued` event commit together, so the audit stream has exactly what was issued.
 */
@Injectable()
export class UserTokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenMinter,
    private readonly idTokens: IdTokenMinter,
    private readonly store: OpaqueTokenStore,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly outbox: Outbox,
    @Inject(ISSUANCE_CONFIG) private readonly config: IssuanceConfig,
  ) {}

  /** Tokens for a new grant (password, authorization code, token exchange). */
  async issueForNewGrant(request: UserTokenRequest, context: EventContext): Promise<TokenResponse> {
    const minted = await this.mint(request, null, context);
    await this.storeOpaque(minted);
    return this.outbox.transaction(async (manager) => {
      if (minted.refreshRow) await this.refreshTokens.insert(manager, minted.refreshRow);
      return { result: minted.response, events: minted.events };
    });
  }

  /**
   * Tokens from a refresh token, inside the caller's transaction (which holds the presented row's
   * lock). Returns the events for the caller to commit with its own changes.
   */
  async issueOnRefresh(
    manager: EntityManager,
    request: UserTokenRequest,
    exchange: RefreshExchange,
    context: EventContext,
  ): Promise<{ response: TokenResponse; events: OutboxEvent[] }> {
    const minted = await this.mint(request, exchange, context);
    await this.storeOpaque(minted);
    if (minted.refreshRow) await this.refreshTokens.insert(manager, minted.refreshRow);
    return { response: minted.response, events: minted.events };
  }

  private async storeOpaque(minted: Minted): Promise<void> {
    for (const { hash, record, grantExpiresAt } of minted.opaque) {
      await this.store.put(hash, record, grantExpiresAt);
    }
  }

  private async mint(
    request: UserTokenRequest,
    exchange: RefreshExchange | null,
    context: EventContext,
  ): Promise<Minted> {
    const { client, user, api, grantId } = request;
    const scopes = new Set(request.scopes);
    const scope = request.scopes.join(' ');
    const now = Math.floor(Date.now() / 1000);
    const events: OutboxEvent[] = [];
    const opaque: Minted['opaque'] = [];
    const emit = (event: { id: string }) =>
      events.push({ topic: TOPICS.tokensIssued.name, key: grantId, event });
    const session = request.sessionId !== undefined ? { session_id: request.sessionId } : {};

    // The refresh token's family settings decide the grant's lifetime in the store too.
    const familyIssuedAt = exchange?.presented.familyIssuedAt ?? now;
    const lifetimes = refreshTokenLifetimes(client.refreshToken, now, familyIssuedAt);

    // --- access token ---------------------------------------------------------------------------
    const userinfoAudience = `${this.config.TESSERA_ISSUER}userinfo`;
    let accessToken: string;
    let expiresIn: number;
    if (api) {
      const audience = scopes.has('openid') ? [api.identifier, userinfoAudience] : [api.identifier];
      const jwtRequest: AccessTokenRequest = {
        clientId: client.clientId,
        sub: user.user_id,
        audience,
        scope,
        ...gtyOf(request.grantType),
        alg: api.signingAlg,
        dialect: api.tokenDialect,
        lifetimeSeconds: api.tokenLifetime,
        grantId,
        ...optionalSession(request.sessionId),
      };
      const jwt = await this.accessTokens.mint(jwtRequest);
      accessToken = jwt.token;
      expiresIn = jwt.expiresAt - jwt.issuedAt;
      events.push(
        jwtIssuedEvent(
          jwtRequest,
          jwt,
          {
            grantId,
            grantType: request.grantType,
            logType: request.logType,
          },
          context,
        ),
      );
    } else {
      accessToken = OpaqueTokenStore.newToken();
      expiresIn = USERINFO_TOKEN_LIFETIME_SECONDS;
      const jti = randomToken(16);
      const record: OpaqueTokenRecord = {
        jti,
        kind: 'access_token',
        client_id: client.clientId,
        sub: user.user_id,
        grant_id: grantId,
        scope,
        aud: [userinfoAudience],
        ...session,
        exp: now + expiresIn,
        iat: now,
      };
      opaque.push({
        hash: OpaqueTokenStore.hashOf(accessToken),
        record,
        grantExpiresAt: lifetimes.absoluteExpiresAt,
      });
      emit(
        accessTokenIssued.create(
          {
            jti,
            grant_id: grantId,
            client_id: client.clientId,
            sub: user.user_id,
            aud: [userinfoAudience],
            scope,
            grant_type: request.grantType,
            format: 'opaque',
            ...session,
            issued_at: now,
            expires_at: now + expiresIn,
            log_type: request.logType,
          },
          context,
        ),
      );
    }
    const response: TokenResponse = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope,
    };

    // --- ID token ------------------------------------------------------------------------------
    if (scopes.has('openid')) {
      const idToken = await this.idTokens.mint({
        clientId: client.clientId,
        alg: client.jwtAlg as SigningAlg,
        user,
        scopes,
        nonce: request.nonce,
        authTime: request.authTime,
        sessionId: request.sessionId,
        accessToken,
        grantId,
      });
      response.id_token = idToken.token;
      emit(
        idTokenIssued.create(
          {
            jti: idToken.jti,
            grant_id: grantId,
            client_id: client.clientId,
            sub: user.user_id,
            ...session,
            grant_type: request.grantType,
            issued_at: idToken.issuedAt,
            expires_at: idToken.expiresAt,
            log_type: request.logType,
          },
          context,
        ),
      );
    }

    // --- refresh token -------------------------------------------------------------------------
    // A new grant gets one when offline_access was granted; an exchange gets a successor only when
    // the family rotates (Auth0 returns a new refresh token only with rotation on).
    let refreshRow: RefreshTokenRow | null = null;
    const wantsRefresh = exchange ? exchange.rotate : scopes.has('offline_access');
    if (wantsRefresh) {
      const refreshToken = OpaqueTokenStore.newToken();
      const id = `rt_${randomToken(16)}`;
      const audience = api ? [api.identifier] : [userinfoAudience];
      refreshRow = {
        id,
        tokenHash: OpaqueTokenStore.hashOf(refreshToken),
        grantId,
        clientId: client.clientId,
        sub: user.user_id,
        aud: audience,
        scope,
        grantType: exchange?.presented.grantType ?? request.grantType,
        sessionId: request.sessionId ?? null,
        authTime: request.authTime ?? null,
        rotating: lifetimes.rotating,
        device: request.device ?? exchange?.presented.device ?? null,
        familyIssuedAt,
        issuedAt: now,
        expiresAt: lifetimes.absoluteExpiresAt,
        idleExpiresAt: lifetimes.idleExpiresAt,
        exchangedAt: null,
        revokedAt: null,
      };
      const exp = effectiveExpiry(lifetimes, now);
      opaque.push({
        hash: refreshRow.tokenHash,
        record: {
          jti: id,
          kind: 'refresh_token',
          client_id: client.clientId,
          sub: user.user_id,
          grant_id: grantId,
          scope,
          aud: audience,
          ...session,
          exp,
          iat: now,
        },
        grantExpiresAt: lifetimes.absoluteExpiresAt,
      });
      response.refresh_token = refreshToken;
      const facts = {
        refresh_token_id: id,
        grant_id: grantId,
        client_id: client.clientId,
        sub: user.user_id,
        aud: audience,
        scope,
        grant_type: refreshRow.grantType as GrantType,
        ...session,
        rotating: lifetimes.rotating,
        ...(refreshRow.device !== null ? { device: refreshRow.device } : {}),
        // Auth0's device.initial_* (issued) and last_* (rotated): the request that obtained this token.
        ...originFields(context.origin),
        issued_at: now,
        expires_at: lifetimes.absoluteExpiresAt,
        idle_expires_at: lifetimes.idleExpiresAt,
        log_type: request.logType,
      };
      emit(
        exchange
          ? refreshTokenRotated.create(
              { ...facts, previous_refresh_token_id: exchange.presented.id },
              context,
            )
          : refreshTokenIssued.create(facts, context),
      );
    }
    return { response, events, opaque, refreshRow };
  }
}

/** Auth0's `gty` claim exists only for the password and refresh-token grants among user grants. */
function gtyOf(grant: GrantType): { gty?: 'password' | 'refresh_token' } {
  if (grant === 'password' || grant === 'http://auth0.com/oauth/grant-type/password-realm')
    return { gty: 'password' };
  if (grant === 'refresh_token') return { gty: 'refresh_token' };
  return {};
}

function optionalSession(sessionId: string | undefined): { sessionId?: string } {
  return sessionId !== undefined ? { sessionId } : {};
}
