import { Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller';

/** Authorization server metadata (OIDC Discovery, RFC 8414); ISSUANCE_CONFIG comes from the global root. */
@Module({ controllers: [DiscoveryController] })
export class DiscoveryModule {}
