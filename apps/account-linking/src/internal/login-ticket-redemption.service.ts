import { Injectable } from '@nestjs/common';
import { OAuthError } from '@app/oauth';
import { sha256Hex } from '@app/secrets';
import { LoginTicketsRepository } from '../login/login-tickets.repository';
import type { UserView } from '../users/user.view';
import { UsersService } from '../users/users.service';
import { UserBlockedError } from './user-blocked.error';

/** 400 `invalid_grant` (RFC 6749 §5.2): the ticket is not one this transaction may redeem. */
class LoginTicketRefusedError extends OAuthError {
  readonly error = 'invalid_grant';
}

const REFUSED = () => new LoginTicketRefusedError('Invalid, expired or already used login ticket');

/**
 * Redeems a login ticket for issuance (`/authorize/resume`): the ticket is consumed whatever the
 * outcome, must belong to the same /authorize transaction, and yields the signed-in user in the view
 * the password check returns, plus the connection used.
 */
@Injectable()
export class LoginTicketRedemptionService {
  constructor(
    private readonly tickets: LoginTicketsRepository,
    private readonly users: UsersService,
  ) {}

  async redeem(ticket: string, transaction: string): Promise<UserView & { connection: string }> {
    const redeemed = await this.tickets.take(sha256Hex(ticket));
    // A ticket stolen from one browser cannot finish another browser's transaction.
    if (!redeemed || redeemed.transactionId !== transaction) throw REFUSED();
    let user: UserView;
    try {
      user = await this.users.get(redeemed.userId);
    } catch {
      // Deleted (or merged into another user) since the login: nobody to sign in.
      throw REFUSED();
    }
    if (user.blocked) throw new UserBlockedError('user is blocked');
    return { ...user, connection: redeemed.connection };
  }
}
