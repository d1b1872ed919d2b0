import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { BatchQueue } from '@app/outbox';
import { IssuedTokensRepository, type LiveJwt } from '../registry/issued-tokens.repository';
import { revocationFor, type RevocationCause } from './revocation-cause';
import { RevocationsService } from './revocations.service';
import { RevokedJtiMarker } from './revoked-jti-marker';

/** Source jtis looked up together in one query (under load, many `/oauth/revoke` calls share it). */
const MAX_LOOKUP_BATCH = 200;
/** Lookups after the first, each for what the previous one revoked (see `revokeDerivedFrom`). */
const MAX_FOLLOW_UPS = 8;

/**
 * Revokes the tokens made by RFC 8693 exchange from a revoked JWT, down the whole chain (the
 * registry's `source_jti`, docs/adr/0009): they act on the user's behalf only as long as the token
 * they were made from does. Their grant and session are the source's, so revoking those covers them
 * already; this covers revoking the one token.
 */
@Injectable()
export class DerivedTokenRevocations {
  private readonly lookups = new BatchQueue<string, LiveJwt[]>(
    async (jtis) => {
      const derived = await this.issuedTokens.liveJwtsDerivedFrom(
        [...new Set(jtis)],
        Math.floor(Date.now() / 1000),
      );
      return jtis.map((jti) => derived.filter((token) => token.rootJti === jti));
    },
    { max: MAX_LOOKUP_BATCH, weight: () => 1 },
  );

  constructor(
    private readonly issuedTokens: IssuedTokensRepository,
    private readonly revocations: RevocationsService,
    private readonly marker: RevokedJtiMarker,
  ) {}

  /**
   * Resolves once every live token made from `jti` is recorded revoked (with its event) and marked.
   *
   * The registry learns of exchanged tokens from the audit stream, concurrently with this: a token
   * exchanged from one found here may be projected just after the lookup, and its own late-token
   * check (AuditStreamRevocations) may read the revocations just before its source's is recorded.
   * So after recording what it found, this looks again below what it revoked: each side writes
   * before it reads, and one of them sees the other's write.
   */
  async revokeDerivedFrom(jti: string, cause: RevocationCause, context: EventContext): Promise<void> {
    const revoked = new Set([jti]);
    let sources = [jti];
    for (let round = 0; sources.length > 0 && round <= MAX_FOLLOW_UPS; round += 1) {
      const found = (await Promise.all(sources.map((source) => this.lookups.submit(source))))
        .flat()
        .filter((token) => !revoked.has(token.jti));
      const fresh = [...new Map(found.map((token) => [token.jti, token])).values()];
      await Promise.all(fresh.map((token) => this.revoke(token, cause, context)));
      for (const token of fresh) revoked.add(token.jti);
      sources = fresh.map((token) => token.jti);
    }
  }

  private async revoke(token: LiveJwt, cause: RevocationCause, context: EventContext): Promise<void> {
    await this.revocations.record(
      revocationFor({ kind: 'jti', jti: token.jti }, token.expiresAt, cause, new Date(), token.concerns),
      context,
    );
    await this.marker.mark(token.jti, token.expiresAt);
  }
}
