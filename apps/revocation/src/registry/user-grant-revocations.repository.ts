import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RevocationPayload } from '@app/contracts';
import { REVOCATION_SCHEMA } from '../database/revocation-database';

/** A user-wide grant revocation: every grant of the user issued at or before `revokedThrough`. */
export interface UserGrantRevocation {
  /** Epoch seconds. */
  readonly revokedThrough: number;
  readonly reason: RevocationPayload['reason'];
  readonly revokedBy: RevocationPayload['revoked_by'];
}

const T = `"${REVOCATION_SCHEMA}"."user_grant_revocations"`;

@Injectable()
export class UserGrantRevocationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records (or moves forward) the moment up to which the user's grants are revoked. */
  async record(userId: string, revocation: UserGrantRevocation): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${T} ("user_id", "revoked_through", "reason", "revoked_by") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("user_id") DO UPDATE SET "revoked_through" = EXCLUDED."revoked_through",
         "reason" = EXCLUDED."reason", "revoked_by" = EXCLUDED."revoked_by"
       WHERE ${T}."revoked_through" < EXCLUDED."revoked_through"`,
      [userId, revocation.revokedThrough, revocation.reason, JSON.stringify(revocation.revokedBy)],
    );
  }

  async ofUsers(userIds: readonly string[]): Promise<Map<string, UserGrantRevocation>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.dataSource.query<
      {
        user_id: string;
        revoked_through: string;
        reason: RevocationPayload['reason'];
        revoked_by: RevocationPayload['revoked_by'];
      }[]
    >(`SELECT * FROM ${T} WHERE "user_id" = ANY($1)`, [[...new Set(userIds)]]);
    return new Map(
      rows.map((row) => [
        row.user_id,
        { revokedThrough: Number(row.revoked_through), reason: row.reason, revokedBy: row.revoked_by },
      ]),
    );
  }
}
