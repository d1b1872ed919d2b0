import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/contracts';
import { InvalidGrantError } from '@app/oauth';
import { AttackProtection } from '../attack-protection/attack-protection.service';
import { PasswordHasher } from '../passwords/password-hasher';
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
    private readonly attackProtection: AttackProtection,
  ) {}

  async verify(attempt: PasswordAttempt, context: EventContext): Promise<UserView> {
    const { connection, username, password } = attempt;
    // Brute-force limits first: a blocked login or a throttled address costs no argon2 (issue #14 §3).
    const admitted = await this.attackProtection.admit(attempt, context);
    const { user, passwordHash } = await this.account(connection, username);
    const matches =
      passwordHash != null
        ? await this.passwords.verify(passwordHash, password)
        : await this.passwords.verifyDecoy(password);
    if (!user || !matches) {
      await this.attackProtection.failed(admitted, user?.userId ?? null, context);
      throw WRONG_CREDENTIALS();
    }
    // Only now, so that "blocked" is never said to someone who does not know the password.
    if (user.blocked) throw new UserBlockedError('user is blocked');
    await this.attackProtection.succeeded(admitted);
    await this.users.recordLogin(user.userId, new Date());
    return this.profiles.get(user.userId);
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
