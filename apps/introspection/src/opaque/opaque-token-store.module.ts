import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createClient } from 'redis';
import type { RedisClient } from '@app/redis';

export const OPAQUE_TOKEN_STORE = Symbol('OPAQUE_TOKEN_STORE');

@Injectable()
class StoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(OPAQUE_TOKEN_STORE) private readonly client: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.client.isOpen) await this.client.quit().catch(() => this.client.destroy());
  }
}

/**
 * Introspection's connection to the shared opaque-token store. Unlike `@app/redis` it neither waits
 * for Redis at boot nor counts it in readiness: JWT introspection needs no Redis, so an instance must
 * start and stay in rotation while Redis is down; opaque lookups then fail fast with a retryable error
 * (no offline queue) and node-redis reconnects by itself.
 */
@Global()
@Module({})
export class OpaqueTokenStoreModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: OpaqueTokenStoreModule,
      providers: [
        {
          provide: OPAQUE_TOKEN_STORE,
          useFactory: (): RedisClient => {
            const client: RedisClient = createClient({
              url,
              disableOfflineQueue: true,
              socket: {
                connectTimeout: 2000,
                reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000),
              },
            });
            // Failures surface through commands (503); the event only needs a listener.
            client.on('error', () => undefined);
            client.connect().catch((error: unknown) => {
              new Logger('OpaqueTokenStore').warn(
                `Redis not reachable yet: ${error instanceof Error ? error.message : String(error)}`,
              );
            });
            return client;
          },
        },
        StoreLifecycle,
      ],
      exports: [OPAQUE_TOKEN_STORE],
    };
  }
}
