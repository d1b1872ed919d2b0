import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { InvalidGrantError, TemporarilyUnavailableError, UnauthorizedClientError } from '@app/oauth';
import { AttackProtection } from '../attack-protection/attack-protection.service';
import { ConnectionsService } from '../connections/connections.service';
import { HashingQueue, HashingQueueFullError, type HashingLane } from '../passwords/hashing-queue';
import { OwnerAddresses } from '../passwords/owner-addresses';
import { PasswordHasher } from '../passwords/password-hasher';
import type { UserEntity } from '../users/user.entity';
import type { UserView } from '../users/user.view';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { UserBlockedError } from './user-blocked.error';

/** One password login: what was typed, for which connection and client, from where. */
export interface PasswordAttempt {
  readonly connection: string;
  readonly username: string;
  readonly password: string;
  readonly clientId: string;
  /** The client's address as issuance saw it; absent when unknown. */
  readonly ip?: string;
}

/**
 * An attempt from the address the user last logged in from is probably the owner's: it waits in
 * the hashing queue's priority lane, out of reach of a flood from elsewhere (docs/adr/0013). Unknown
 * users, and attempts whose address is unknown, take the normal lane.
 */
function priorityLane(user: UserEntity | null, ip: string | undefined): HashingLane {
  return user?.lastIp != null && ip !== undefined && user.lastIp === ip ? 'priority' : 'normal';
}

/** A full hashing lane: 503 `temporarily_unavailable` with the queue's `Retry-After`. */
const busy = (full: HashingQueueFullError) =>
  new TemporarilyUnavailableError(
    'Too many logins are being checked right now; try again shortly',
    full.retryAfterSeconds,
  );

/** Auth0's refusal of a wrong password or an unknown user: the same words for both. */
const WRONG_CREDENTIALS = () => new InvalidGrantError('Wrong email or password.');

/**
 * Checks a password for a connection and username (or email), for issuance's password grant and
 * login page. An unknown user costs the same argon2id verification as a known one, so the time of
 * the answer does not tell whether an account exists.
 */
@Injectable()
export class PasswordVerificationService {
  constructor(
    private readonly users: UsersRepository,
    private readonly profiles: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly connections: ConnectionsService,
    private readonly queue: HashingQueue,
    private readonly owners: OwnerAddresses,
    private readonly attackProtection: AttackProtection,
  ) {}

  async verify(attempt: PasswordAttempt, context: EventContext): Promise<UserView> {
    const { connection, username, password } = attempt;
    // A flood sheds here, before any lookup (docs/adr/0013); a disabled connection is refused next.
    this.shedEarly(attempt.ip);
    await this.requireEnabledConnection(connection, attempt.clientId);
    // Brute-force limits: a blocked login or a throttled address costs no argon2 (issue #14 §3).
    const admitted = await this.attackProtection.admit(attempt, context);
    const { user, passwordHash } = await this.account(connection, username);
    let matches: boolean;
    try {
      matches = await this.check(passwordHash, password, priorityLane(user, attempt.ip));
    } catch (error) {
      // Not checked (a full hashing lane): the attempt costs its address nothing.
      await this.attackProtection.abandoned(admitted);
      throw error;
    }
    if (!user || !matches) {
      await this.attackProtection.failed(admitted, user?.userId ?? null, context);
      throw WRONG_CREDENTIALS();
    }
    // Only now, so that "blocked" is never said to someone who does not know the password.
    if (user.blocked) throw new UserBlockedError('user is blocked');
    await this.attackProtection.succeeded(admitted);
    await this.users.recordLogin(user.userId, new Date(), attempt.ip);
    if (attempt.ip !== undefined) this.owners.add(attempt.ip);
    return this.profiles.get(user.userId);
  }

  /**
   * Review #13: a client logs in only through the connections enabled for it. Checked before the
   * hash, so a disabled realm costs no argon2; an unknown realm is refused the same way.
   */
  private async requireEnabledConnection(connection: string, clientId: string): Promise<void> {
    if (!(await this.connections.isEnabledFor(connection, clientId))) {
      throw new UnauthorizedClientError('The connection is not enabled for the client.');
    }
  }

  /**
   * While the normal lane is full, only an attempt from some owner's address could still be served
   * (in the priority lane): any other is refused before its lookup, so a flood from elsewhere costs
   * no database work. Nothing about the user is known yet, so known and unknown users alike.
   */
  private shedEarly(ip: string | undefined): void {
    const refused = this.queue.refusal('normal');
    if (refused && (ip === undefined || !this.owners.has(ip))) throw busy(refused);
  }

  /** The argon2id check (or the decoy's); a full hashing lane is a retryable 503, never a 500. */
  private async check(passwordHash: string | null, password: string, lane: HashingLane): Promise<boolean> {
    try {
      return passwordHash != null
        ? await this.passwords.verify(passwordHash, password, lane)
        : await this.passwords.verifyDecoy(password);
    } catch (error) {
      if (!(error instanceof HashingQueueFullError)) throw error;
      throw busy(error);
    }
  }

  /**
   * The user signing in and the hash to check: the user's own, or — for a database identity linked
   * under another user — the identity's, and then the primary user signs in (Auth0 account linking).
   */
  private async account(connection: string, login: string) {
    const user = await this.users.findByLogin(connection, login);
    if (user) return { user, passwordHash: user.passwordHash };
    const linked = await this.users.findLinkedIdentityByLogin(connection, login);
    if (!linked) return { user: null, passwordHash: null };
    return { user: await this.users.findById(linked.userId), passwordHash: linked.passwordHash };
  }
}
