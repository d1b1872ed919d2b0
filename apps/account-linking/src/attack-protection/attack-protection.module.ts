import { Module } from '@nestjs/common';
import { ACCOUNT_LINKING_CONFIG, type AccountLinkingConfig } from '../config/account-linking.config';
import { AddressAllowlist } from './login-address';
import {
  AttackProtection,
  ATTACK_PROTECTION_SETTINGS,
  type AttackProtectionSettings,
} from './attack-protection.service';
import { LoginCounters } from './login-counters';
import { RedisLoginCounters } from './redis-login-counters';
import { UserBlocksRepository } from './user-blocks.repository';

/** Brute-force protection and suspicious-IP throttling of password logins (issue #14 §3). */
@Module({
  providers: [
    {
      provide: ATTACK_PROTECTION_SETTINGS,
      useFactory: (config: AccountLinkingConfig): AttackProtectionSettings => ({
        maxFailures: config.TESSERA_BRUTE_FORCE_MAX_ATTEMPTS,
        bucket: {
          capacity: config.TESSERA_SUSPICIOUS_IP_MAX_ATTEMPTS,
          refillMs: config.TESSERA_SUSPICIOUS_IP_RATE_MS,
        },
        allowlist: new AddressAllowlist(config.TESSERA_ATTACK_PROTECTION_ALLOWLIST),
      }),
      inject: [ACCOUNT_LINKING_CONFIG],
    },
    { provide: LoginCounters, useClass: RedisLoginCounters },
    UserBlocksRepository,
    AttackProtection,
  ],
  exports: [AttackProtection, UserBlocksRepository],
})
export class AttackProtectionModule {}
