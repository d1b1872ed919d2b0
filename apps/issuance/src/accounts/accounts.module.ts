import { Module } from '@nestjs/common';
import { AccountLinkingClient } from './account-linking.client';

/** The client of account-linking's internal API (login only). */
@Module({ providers: [AccountLinkingClient], exports: [AccountLinkingClient] })
export class AccountsModule {}
