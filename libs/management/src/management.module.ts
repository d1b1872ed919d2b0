import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ManagementAuthGuard } from './management-auth.guard';
import { MANAGEMENT_API_OPTIONS, type ManagementApiOptions } from './management-options';

/**
 * What a service needs to serve Management API routes (`@ManagementController`): the options and the
 * guard. The guard verifies tokens with the `AccessTokenVerifier` that `TokenVerificationModule`
 * (libs/jwt) provides, so the service imports that module too.
 */
@Global()
@Module({})
export class ManagementModule {
  static forRoot(options: ManagementApiOptions): DynamicModule {
    return {
      module: ManagementModule,
      providers: [{ provide: MANAGEMENT_API_OPTIONS, useValue: options }, ManagementAuthGuard],
      exports: [MANAGEMENT_API_OPTIONS, ManagementAuthGuard],
    };
  }
}
