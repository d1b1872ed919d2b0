import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TOPICS, type TesseraEvent } from '@app/contracts';
import { OnEvent, type EventSubscription } from '@app/kafka';
import { AccountRevocationsService } from './account-revocations.service';

/** One consumer group for all instances; redeliveries are no-ops. */
const ACCOUNT_REVOCATIONS: EventSubscription<typeof TOPICS.accounts.name> = {
  topic: TOPICS.accounts.name,
  name: 'revocation.account-revocations',
  mode: 'shared',
};

/**
 * Revokes the tokens of users that account-linking merged away (`identity.linked`, the secondary
 * user) or deleted (`user.deleted`), and of users whose password changed or who were blocked
 * (`user.updated`).
 */
@Controller()
export class AccountRevocationsConsumer {
  constructor(private readonly accountRevocations: AccountRevocationsService) {}

  @OnEvent(ACCOUNT_REVOCATIONS, 'identity.linked', 'user.deleted', 'user.updated')
  accountChanged(
    @Payload() event: TesseraEvent<'identity.linked' | 'user.deleted' | 'user.updated'>,
  ): Promise<void> {
    return this.accountRevocations.apply(event);
  }
}
