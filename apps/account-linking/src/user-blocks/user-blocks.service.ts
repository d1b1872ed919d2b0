import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import {
  AttackProtection,
  loginIdentifier,
  type Unblocking,
} from '../attack-protection/attack-protection.service';
import type { UserBlockEntity } from '../attack-protection/user-block.entity';
import {
  UserBlocksRepository,
  type BlockFilter,
  type LoginName,
} from '../attack-protection/user-blocks.repository';
import { userLogins } from '../attack-protection/user-logins';
import { checkUserId, USER_NOT_FOUND } from '../users/users.service';
import { UsersRepository } from '../users/users.repository';

/** Auth0's answer: `{ blocked_for: [{ identifier, ip, connection }] }`. */
export interface UserBlocksView {
  readonly blocked_for: { identifier: string; ip: string; connection: string }[];
}

/**
 * The Management API over brute-force blocks (Auth0's `/api/v2/user-blocks`). A user's blocks are
 * those of the identifiers they log in with (`userLogins`). Unblocking also forgets the failure counts, so
 * the next wrong password starts a new run of ten. It never touches `blocked` (an administrator's
 * block), as in Auth0.
 */
@Injectable()
export class UserBlocksService {
  constructor(
    private readonly users: UsersRepository,
    private readonly blocks: UserBlocksRepository,
    private readonly protection: AttackProtection,
  ) {}

  async ofUser(userId: string): Promise<UserBlocksView> {
    return view(await this.blocks.find({ logins: await this.loginsOf(userId) }));
  }

  async ofIdentifier(identifier: string): Promise<UserBlocksView> {
    return view(await this.blocks.find(byIdentifier(identifier)));
  }

  async unblockUser(userId: string, by: Unblocking, context: EventContext): Promise<void> {
    await this.protection.unblock({ logins: await this.loginsOf(userId) }, by, context);
  }

  async unblockIdentifier(identifier: string, by: Unblocking, context: EventContext): Promise<void> {
    await this.protection.unblock(byIdentifier(identifier), by, context);
  }

  private async loginsOf(userId: string): Promise<LoginName[]> {
    checkUserId(userId);
    const user = await this.users.findById(userId);
    if (!user) throw USER_NOT_FOUND();
    return userLogins(user, (await this.users.identitiesOf([userId])).get(userId) ?? []);
  }
}

function byIdentifier(identifier: string): BlockFilter {
  return { identifier: loginIdentifier(identifier) };
}

function view(blocks: readonly UserBlockEntity[]): UserBlocksView {
  return {
    blocked_for: blocks.map((block) => ({
      identifier: block.identifier,
      ip: block.ip,
      connection: block.connection,
    })),
  };
}
