import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { userSnapshot, type UserSnapshot } from '@app/contracts';

export type UserLookup =
  | { readonly kind: 'found'; readonly user: UserSnapshot }
  | { readonly kind: 'deleted' }
  | { readonly kind: 'unknown' };

/** A snapshot with nothing but the id: the claims of a user whose profile has not arrived yet. */
export function bareSnapshot(userId: string): UserSnapshot {
  return {
    user_id: userId,
    email: null,
    email_verified: false,
    name: null,
    nickname: null,
    picture: null,
    given_name: null,
    family_name: null,
    blocked: false,
    identities: [],
    updated_at: new Date(0).toISOString(),
  };
}

/**
 * Issuance's projection of the users account-linking owns: the latest snapshot of each, for the
 * claims of ID tokens issued on refresh or from a login session (DESIGN §1: issuance consumes user.*).
 */
@Injectable()
export class UserProfilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Keeps the newest snapshot: an older or redelivered event (same `updated_at`) changes nothing, so
   * the projection is idempotent without a dedupe table. A deletion is remembered as a tombstone so
   * a late `user.updated` cannot bring the user back.
   */
  async apply(snapshot: UserSnapshot, deleted: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "issuance"."user_profiles" ("user_id", "snapshot", "updated_at", "deleted")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ("user_id") DO UPDATE SET
         "snapshot" = EXCLUDED."snapshot", "updated_at" = EXCLUDED."updated_at",
         "deleted" = "user_profiles"."deleted" OR EXCLUDED."deleted"
       WHERE EXCLUDED."updated_at" >= "user_profiles"."updated_at" OR EXCLUDED."deleted"`,
      [snapshot.user_id, JSON.stringify(snapshot), snapshot.updated_at, deleted],
    );
  }

  /**
   * The user's latest snapshot, or whether the user was deleted. `unknown` happens for a user created
   * a few milliseconds ago whose event has not arrived yet.
   */
  async lookup(userId: string): Promise<UserLookup> {
    const rows = await this.dataSource.query<{ snapshot: unknown; deleted: boolean }[]>(
      `SELECT "snapshot", "deleted" FROM "issuance"."user_profiles" WHERE "user_id" = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row) return { kind: 'unknown' };
    if (row.deleted) return { kind: 'deleted' };
    const parsed = userSnapshot.safeParse(row.snapshot);
    return parsed.success ? { kind: 'found', user: parsed.data } : { kind: 'unknown' };
  }
}
