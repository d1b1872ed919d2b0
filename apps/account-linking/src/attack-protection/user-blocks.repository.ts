import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox, type OutboxEvent } from '@app/outbox';
import { UserBlockEntity } from './user-block.entity';

/** A login identifier of one connection: what a user types to log in there. */
export interface LoginName {
  readonly connection: string;
  readonly identifier: string;
}

/** Which blocks: those of one identifier in any connection, or those of some logins. */
export type BlockFilter = { readonly identifier: string } | { readonly logins: readonly LoginName[] };

const COLUMNS = `"connection", "identifier", "address_key", "ip", "user_id", "blocked_at"`;

/** Brute-force blocks; the only code that touches that table. */
@Injectable()
export class UserBlocksRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** One primary-key lookup: run before every password check. */
  isBlocked(login: LoginName, addressKey: string): Promise<boolean> {
    return this.dataSource
      .getRepository(UserBlockEntity)
      .exists({ where: { connection: login.connection, identifier: login.identifier, addressKey } });
  }

  /**
   * Records a block with its event, in one transaction. Concurrent failures past the limit all try;
   * only the one that inserts writes the event (false for the others).
   */
  async create(block: UserBlockEntity, event: OutboxEvent): Promise<boolean> {
    return this.outbox.transaction(async (manager) => {
      const rows = await manager.query<unknown[]>(
        `INSERT INTO "account_linking"."user_blocks" (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [block.connection, block.identifier, block.addressKey, block.ip, block.userId, block.blockedAt],
      );
      const created = rows.length > 0;
      return { result: created, events: created ? [event] : [] };
    });
  }

  /** The blocks the filter names, oldest first. */
  async find(filter: BlockFilter): Promise<UserBlockEntity[]> {
    const [where, parameters] = condition(filter);
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT ${COLUMNS} FROM "account_linking"."user_blocks" WHERE ${where}
       ORDER BY "blocked_at", "identifier", "address_key"`,
      parameters,
    );
    return rows.map(toEntity);
  }

  /**
   * Deletes the blocks the filter names, with the events `eventsFor` makes of them, in one
   * transaction; what was deleted (to forget their counters too).
   */
  async delete(
    filter: BlockFilter,
    eventsFor: (deleted: readonly UserBlockEntity[]) => OutboxEvent[],
  ): Promise<UserBlockEntity[]> {
    const [where, parameters] = condition(filter);
    return this.outbox.transaction(async (manager) => {
      const [rows] = await manager.query<[Record<string, unknown>[], number]>(
        `DELETE FROM "account_linking"."user_blocks" WHERE ${where} RETURNING ${COLUMNS}`,
        parameters,
      );
      const deleted = rows.map(toEntity);
      return { result: deleted, events: eventsFor(deleted) };
    });
  }
}

function condition(filter: BlockFilter): [string, unknown[]] {
  if ('identifier' in filter) return [`"identifier" = $1`, [filter.identifier]];
  return [
    `("connection", "identifier") IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [filter.logins.map((login) => login.connection), filter.logins.map((login) => login.identifier)],
  ];
}

function toEntity(row: Record<string, unknown>): UserBlockEntity {
  return {
    connection: row.connection as string,
    identifier: row.identifier as string,
    addressKey: row.address_key as string,
    ip: row.ip as string,
    userId: (row.user_id as string | null) ?? null,
    blockedAt: row.blocked_at as Date,
  };
}
