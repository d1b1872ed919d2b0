import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { AccessTokenVerifier } from '@app/jwt';
import type { AuthenticatedClient } from '@app/oauth';
import { DerivedTokenRevocations } from './derived-token-revocations.service';
import { GrantRevocationsService } from './grant-revocations.service';
import { OpaqueTokenStore } from './opaque-token-store';
import { revocationFor, type RevocationCause } from './revocation-cause';
import { RevocationsService } from './revocations.service';

/** Longer than any token we issue: such a value is not looked up at all. */
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * RFC 7009 §2.1: finds out what a presented token is — a JWT access token, or an opaque access or
 * refresh token in the shared store — and revokes it if it was issued to the caller (a JWT with the
 * tokens exchanged from it). Unknown, invalid,
 * expired and other clients' tokens are left untouched (the controller still answers 200, §2.2).
 */
@Injectable()
export class PresentedTokenRevocations {
  constructor(
    private readonly revocations: RevocationsService,
    private readonly grantRevocations: GrantRevocationsService,
    private readonly opaqueTokens: OpaqueTokenStore,
    private readonly derived: DerivedTokenRevocations,
  ) {}

  async revoke(caller: AuthenticatedClient, token: string, context: EventContext): Promise<void> {
    if (token.length > MAX_TOKEN_LENGTH) return;
    const cause: RevocationCause = {
      reason: 'client_request',
      revokedBy: { kind: 'client', client_id: caller.client.client_id },
    };
    if (AccessTokenVerifier.looksLikeJwt(token)) {
      const jti = await this.revocations.revokeJwt(caller, token, context);
      // Tokens exchanged from it go with it (docs/adr/0009), before the answer.
      if (jti !== null) await this.derived.revokeDerivedFrom(jti, cause, context);
      return;
    }

    const found = await this.opaqueTokens.find(token);
    if (!found || found.record.client_id !== caller.client.client_id) return;
    const { record } = found;
    if (record.exp <= Math.floor(Date.now() / 1000)) return;
    const concerns = {
      sub: record.sub,
      client_id: record.client_id,
      aud: record.aud,
      grant_id: record.grant_id,
      ...(record.session_id !== undefined ? { session_id: record.session_id } : {}),
    };
    switch (record.kind) {
      case 'access_token':
        // Gone from the store is revoked at introspection and /userinfo; the jti revocation is its
        // durable record and event.
        await this.opaqueTokens.delete(found);
        await this.revocations.record(
          revocationFor({ kind: 'jti', jti: record.jti }, record.exp, cause, new Date(), concerns),
          context,
        );
        return;
      case 'refresh_token':
        // Auth0's "refresh token revocation deletes grant": on (our default), the whole family and
        // every access token of the grant; off, this token only (reference/auth0-api.md §1.4).
        if (caller.client.revocation_deletes_grant) {
          await this.grantRevocations.revokeGrants([record.grant_id], cause, context);
        } else {
          await this.opaqueTokens.delete(found);
          await this.grantRevocations.revokeRefreshToken(record.jti, record.exp, cause, context, concerns);
        }
        return;
    }
  }
}
