import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import { ReadinessRegistry } from '@app/http';

export const REDIS = Symbol('REDIS');
export type RedisClient = RedisClientType;

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly client: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.client.isOpen) await this.client.quit().catch(() => this.client.destroy());
  }
}

export interface RedisOptions {
  /**
   * Whether the service needs Redis to do its job (default true): it then waits for Redis at boot
   * and counts it in readiness. A service that only needs it for part of its work (introspection:
   * opaque tokens, not JWTs) starts without it and stays in rotation; those calls then fail fast.
   */
  readonly required?: boolean;
}

/**
 * One Redis connection per process. node-redis reconnects by itself; commands fail fast while it is
 * down (no offline queue) so callers can answer "try again" instead of hanging.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string, options: RedisOptions = {}): DynamicModule {
    const required = options.required ?? true;
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: async (readiness: ReadinessRegistry) => {
            const client: RedisClient = createClient({
              url,
              disableOfflineQueue: true,
              socket: {
                connectTimeout: 2000,
                reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000),
              },
            });
            // Errors are reported through failed commands and readiness; the event only needs a listener.
            client.on('error', () => undefined);
            if (required) {
              await client.connect();
              readiness.register('redis', () => client.isReady);
            } else {
              client.connect().catch((error: unknown) => {
                new Logger('Redis').warn(
                  `Redis not reachable yet: ${error instanceof Error ? error.message : String(error)}`,
                );
              });
            }
            return client;
          },
          inject: [ReadinessRegistry],
        },
        RedisLifecycle,
      ],
      exports: [REDIS],
    };
  }
}
