import { Module } from '@nestjs/common';
import { LookupModule } from '../lookup/lookup.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { BackchannelLogoutDeliveriesRepository } from './backchannel-logout-deliveries.repository';
import { BackchannelLogoutDeliverer } from './backchannel-logout.deliverer';
import { BackchannelLogoutMetrics } from './backchannel-logout-metrics';
import { BackchannelLogoutScheduler } from './backchannel-logout.scheduler';
import { LogoutTokenMinter } from './logout-token.minter';

/** OIDC Back-Channel Logout 1.0 (issue #16 §2, docs/adr/0020): staging on session revocations, delivery. */
@Module({
  imports: [LookupModule, SigningKeysModule],
  providers: [
    BackchannelLogoutDeliveriesRepository,
    BackchannelLogoutScheduler,
    BackchannelLogoutDeliverer,
    BackchannelLogoutMetrics,
    LogoutTokenMinter,
  ],
  exports: [BackchannelLogoutScheduler],
})
export class BackchannelLogoutModule {}
