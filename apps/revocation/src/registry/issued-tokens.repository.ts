import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { accessTokenIssued } from '@app/contracts';
import { IssuedTokenEntity } from './issued-token.entity';

type IssuedEvent = ReturnType<typeof accessTokenIssued.create>;

@Injectable()
export class IssuedTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records issuance facts. The jti is the natural key, so a redelivered event inserts nothing:
   * one multi-row INSERT … ON CONFLICT DO NOTHING is idempotent without a dedupe table.
   */
  async record(events: readonly IssuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(IssuedTokenEntity)
      .values(
        events.map(({ payload }) => ({
          jti: payload.jti,
          grantId: payload.grant_id,
          clientId: payload.client_id,
          sub: payload.sub,
          aud: payload.aud,
          scope: payload.scope,
          grantType: payload.grant_type,
          format: payload.format,
          issuedAt: String(payload.issued_at),
          expiresAt: String(payload.expires_at),
        })),
      )
      .orIgnore()
      .execute();
  }

  /** Forgets tokens that expired more than a day ago: nothing can revoke them any more. */
  async pruneExpired(nowSeconds: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(IssuedTokenEntity)
      .where('expires_at < :cutoff', { cutoff: nowSeconds - 86_400 })
      .execute();
    return result.affected ?? 0;
  }
}
