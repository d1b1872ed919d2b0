import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger, Module, type DynamicModule, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventHandlerErrors, EventStreamTransport, KAFKA, type KafkaClient } from '@app/kafka';
import { Metrics, MetricsModule, recordHttpRequests } from '@app/metrics';
import { OAuthExceptionFilter } from '@app/oauth';
import { answerRouterRefusal } from './framework-errors';
import { ParameterTextGuard } from './parameter-text.guard';
import { registerRawBodyParsers } from './raw-body';
import { ReadinessRegistry } from './readiness';
import { logRequests } from './request-log';
import { createServiceLogger, PinoNestLogger, type LogFormat } from './service-logger';

export interface ServiceAppOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** `json` (default) or `pretty` (`TESSERA_LOG_FORMAT`). */
  readonly logFormat?: LogFormat;
  /** Largest accepted request body in bytes. */
  readonly bodyLimit?: number;
  /** Longest path parameter (fastify's default is 100; longer ones are answered 414). */
  readonly maxParamLength?: number;
  /**
   * The peers whose X-Forwarded-For is believed (`TESSERA_TRUSTED_PROXIES`, addresses or CIDRs);
   * loopback (the local gateway) when absent.
   */
  readonly trustedProxies?: readonly string[];
  /** How long a SIGTERM leaves the service answering, not ready, before it closes (ms). */
  readonly shutdownDrainMs?: number;
  /**
   * When set, the app's `@OnEvent` / `@EventPattern` handlers are served by an EventStreamTransport
   * (shared groups named `<groupPrefix>.<subscription>`), started before the app takes requests.
   */
  readonly eventStreams?: { readonly groupPrefix: string };
}

const LOOPBACK = ['127.0.0.1', '::1'];

/** What every service app has beside its own module: the metrics registry and `GET /metrics`. */
@Module({})
class ServiceAppModule {}

/** Creates one service's Nest app on fastify, the same way for all four services. */
export async function createServiceApp(
  module: Type | DynamicModule,
  options: ServiceAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // No service uses Nest middleware (guards, filters and fastify hooks do that work), and middie
    // would put a middleware runner in front of every request, the hot introspection route included.
    // Nest middleware added to a service would not run: take this out first.
    skipMiddie: true,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // fastify 5 reads router settings from routerOptions (the top-level one is deprecated, FSTDEP022).
    ...(options.maxParamLength !== undefined
      ? { routerOptions: { maxParamLength: options.maxParamLength } }
      : {}),
    // The gateway forwards client addresses (X-Forwarded-For); only its word is taken for them.
    // request.ip is then the address just before the first trusted hop, counted from the peer.
    trustProxy: [...(options.trustedProxies ?? LOOPBACK)],
    // A malformed or overlong path is refused by the router itself, before Nest's filters: answered in
    // the same shapes as an unknown path, without fastify's default of quoting the path back.
    frameworkErrors: answerRouterRefusal,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,128}$/.test(given) ? given : randomUUID();
    },
  });
  const root: DynamicModule = { module: ServiceAppModule, imports: [module, MetricsModule] };
  const logger = createServiceLogger(options.name, options.logLevel, options.logFormat);
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerRawBodyParsers(fastify);
  const metrics = app.get(Metrics);
  metrics.describeService(options.name);
  recordHttpRequests(fastify, metrics);
  logRequests(fastify, logger);
  // Errors raised before a route's own filters apply (body too large, unsupported media type,
  // unknown path) get the same RFC 6749 §5.2 body as the endpoints.
  app.useGlobalFilters(new OAuthExceptionFilter());
  // No query string or path parameter with a NUL (or another control character) reaches a handler.
  app.useGlobalGuards(new ParameterTextGuard());
  // SIGTERM (an orchestrator's stop) drains first: see `drainOnSigterm`. The others close at once.
  app.enableShutdownHooks(['SIGINT', 'SIGHUP']);
  return app;
}

export async function startServiceApp(
  module: Type | DynamicModule,
  options: ServiceAppOptions,
): Promise<NestFastifyApplication> {
  const app = await createServiceApp(module, options);
  if (options.eventStreams) await serveEventStreams(app, options.eventStreams.groupPrefix);
  await app.listen(options.port, options.host);
  new Logger(options.name).log(`listening on http://${options.host}:${options.port}`);
  drainOnSigterm(app, options.name, options.shutdownDrainMs ?? 0);
  return app;
}

/**
 * Connects the service's event handlers to Kafka through `@nestjs/microservices` (issue #16 §4).
 * After `init`, so every provider's start-up hooks have run before the first event is handled. The
 * app's global guards and filters are HTTP ones and not inherited: an event handler's exception goes
 * to the transport as thrown (EventHandlerErrors), which retries and dead-letters it.
 */
async function serveEventStreams(app: NestFastifyApplication, groupPrefix: string): Promise<void> {
  await app.init();
  const transport = new EventStreamTransport({
    kafka: app.get<KafkaClient>(KAFKA),
    groupPrefix,
    readiness: app.get(ReadinessRegistry),
  });
  app.connectMicroservice({ strategy: transport }).useGlobalFilters(new EventHandlerErrors());
  await app.startAllMicroservices();
}

/**
 * SIGTERM (docker compose stop, an orchestrator's rollout) turns readiness false at once, keeps
 * serving for `drainMs` while gateways and load balancers notice and stop sending requests, then
 * closes the app (Nest's shutdown hooks: consumers leave their groups, the outbox relay stops) and
 * exits. Issue #22 §4: without the drain, requests in flight to a stopping instance are cut off.
 */
function drainOnSigterm(app: NestFastifyApplication, name: string, drainMs: number): void {
  process.once('SIGTERM', () => {
    const logger = new Logger(name);
    app.get(ReadinessRegistry).beginDrain();
    logger.log(`SIGTERM: not ready, draining for ${drainMs} ms, then closing`);
    setTimeout(() => {
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error(`closing failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        });
    }, drainMs);
  });
}

/** What every service's config has (libs/config `serviceEnv` plus its port). */
interface LaunchConfig {
  HOST: string;
  PORT: number;
  LOG_LEVEL: LogLevel;
  TESSERA_LOG_FORMAT: LogFormat;
  TESSERA_TRUSTED_PROXIES: readonly string[];
  TESSERA_SHUTDOWN_DRAIN_SECONDS: number;
}

export interface ServiceLaunch<C extends LaunchConfig> {
  readonly name: string;
  readonly loadConfig: () => C;
  /** Work before the app starts, e.g. migrating the service's schema. */
  readonly prepare?: (config: C) => Promise<unknown>;
  readonly module: (config: C) => DynamicModule;
  readonly bodyLimit?: number;
  readonly maxParamLength?: number;
  /** The prefix of the shared groups of its `@OnEvent` handlers, when it has any. */
  readonly eventGroupPrefix?: (config: C) => string;
}

/** A service's `main`: config, preparation, then the app; any failure exits with its message. */
export function launchService<C extends LaunchConfig>(launch: ServiceLaunch<C>): void {
  const start = async () => {
    const config = launch.loadConfig();
    // From here on every Nest Logger line, the preparation's (migrations) included, is structured.
    Logger.overrideLogger(
      new PinoNestLogger(createServiceLogger(launch.name, config.LOG_LEVEL, config.TESSERA_LOG_FORMAT)),
    );
    await launch.prepare?.(config);
    await startServiceApp(launch.module(config), {
      name: launch.name,
      host: config.HOST,
      port: config.PORT,
      logLevel: config.LOG_LEVEL,
      logFormat: config.TESSERA_LOG_FORMAT,
      bodyLimit: launch.bodyLimit,
      maxParamLength: launch.maxParamLength,
      trustedProxies: config.TESSERA_TRUSTED_PROXIES,
      shutdownDrainMs: config.TESSERA_SHUTDOWN_DRAIN_SECONDS * 1000,
      ...(launch.eventGroupPrefix ? { eventStreams: { groupPrefix: launch.eventGroupPrefix(config) } } : {}),
    });
  };
  start().catch((error: unknown) => {
    console.error(
      `${launch.name} failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
