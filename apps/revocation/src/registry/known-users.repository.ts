import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REGISTRY_TABLES } from './registry-tables';

const T = REGISTRY_TABLES.knownUsers;

/** What this service can tell about a user id. */
export type UserExistence = 'exists' | 'deleted' | 'unknown';

@Injectable()
export class KnownUsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a user's snapshot; the newest one decides. A deletion wins over a snapshot of the same
   * moment or older (a redelivered `user.updated` cannot bring a deleted user back), and a newer
   * `user.created` can: unlinking an identity recreates its user under the id it had before linking.
   */
  async apply(userId: string, updatedAt: string, deleted: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${T} ("user_id", "updated_at", "deleted") VALUES ($1, $2, $3)
       ON CONFLICT ("user_id") DO UPDATE SET
         "updated_at" = GREATEST(${T}."updated_at", EXCLUDED."updated_at"),
         "deleted" = CASE WHEN EXCLUDED."updated_at" > ${T}."updated_at" THEN EXCLUDED."deleted"
                          ELSE ${T}."deleted" OR EXCLUDED."deleted" END
       WHERE EXCLUDED."updated_at" >= ${T}."updated_at" OR EXCLUDED."deleted"`,
      [userId, updatedAt, deleted],
    );
  }

  /**
   * Whether the user exists: as the accounts topic says, or — when its `user.created` has not arrived
   * yet (the topics are not ordered with one another) — because the audit stream has shown the user
   * logging in or holding tokens, which only an existing user can.
   */
  async existence(userId: string): Promise<UserExistence> {
    const rows = await this.dataSource.query<{ deleted: boolean | null; seen: boolean }[]>(
      `SELECT (SELECT "deleted" FROM ${T} WHERE "user_id" = $1) AS deleted,
         EXISTS (SELECT 1 FROM ${REGISTRY_TABLES.loginSessions} WHERE "user_id" = $1)
         OR EXISTS (SELECT 1 FROM ${REGISTRY_TABLES.refreshTokens} WHERE "user_id" = $1)
         OR EXISTS (SELECT 1 FROM ${REGISTRY_TABLES.grants} WHERE "user_id" = $1) AS seen`,
      [userId],
    );
    const row = rows[0];
    if (row?.deleted === true) return 'deleted';
    if (row?.deleted === false || row?.seen) return 'exists';
    return 'unknown';
  }
}
