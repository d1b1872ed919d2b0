import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { revocationKey, type RevocationPayload } from '@app/contracts';
import { RevocationEntity } from './revocation.entity';

@Injectable()
export class RevocationsRepository {
  /**
   * Inserts the revocation unless its target is already revoked. Returns true when this call recorded
   * it, so revoking the same thing twice gives one record and one event.
   */
  async insertIfNew(manager: EntityManager, payload: RevocationPayload): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(RevocationEntity)
      .values({
        targetKey: revocationKey(payload.target),
        kind: payload.target.kind,
        payload,
        expiresAt: payload.expires_at === null ? null : String(payload.expires_at),
        revokedAt: new Date(payload.revoked_at),
      })
      .orIgnore()
      .returning(['targetKey'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }
}
