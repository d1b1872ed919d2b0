import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OpaqueTokenStore } from './opaque-token.store';
import { RefreshTokensRepository } from './refresh-tokens/refresh-tokens.repository';

/**
 * Kills a compromised grant on the spot (a reused refresh token or authorization code): its refresh
 * tokens are revoked in the caller's transaction and every opaque token of it leaves the shared
 * store at once, before the refusal is answered — no waiting for the revocation service's event.
 */
@Injectable()
export class GrantFamilies {
  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly store: OpaqueTokenStore,
  ) {}

  async kill(manager: EntityManager, grantId: string, at: number): Promise<void> {
    await this.refreshTokens.revokeGrant(manager, grantId, at);
    await this.store.deleteGrant(grantId);
  }
}

/**
 * What a transaction decided: a result, or a refusal to answer once it has committed (a refusal
 * that changed state — killing a grant — must not be rolled back by throwing inside it).
 */
export type Decision<T> =
  { readonly kind: 'granted'; readonly value: T } | { readonly kind: 'refused'; readonly error: Error };

export const granted = <T>(value: T): Decision<T> => ({ kind: 'granted', value });
export const refused = <T>(error: Error): Decision<T> => ({ kind: 'refused', error });

/** The value of a committed decision, or its refusal thrown. */
export function settle<T>(decision: Decision<T>): T {
  if (decision.kind === 'refused') throw decision.error;
  return decision.value;
}
