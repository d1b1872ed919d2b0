import {
  createParamDecorator,
  HttpException,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TesseraAccessTokenClaims } from './access-token-claims';
import { authorizeRequest } from './bearer-response';
import { accessTokenClaimsOf, attachAccessTokenClaims } from './request-claims';
import { TesseraTokenValidator, type TesseraTokenValidatorOptions } from './tessera-token-validator';

export interface TesseraResourceServerOptions extends TesseraTokenValidatorOptions {
  /** The `realm` of `WWW-Authenticate` challenges; `api` by default. */
  readonly realm?: string;
}

export const TESSERA_RESOURCE_SERVER = Symbol('TESSERA_RESOURCE_SERVER');
const REQUIRED_SCOPES = 'tessera:required-scopes';

interface ResourceServer {
  readonly validator: TesseraTokenValidator;
  readonly realm: string | undefined;
}

/** The scopes a handler (or every handler of a controller) needs: `@RequireScopes('read:things')`. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The verified claims in a handler: `@AccessTokenClaims() claims: TesseraAccessTokenClaims`. */
export const AccessTokenClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TesseraAccessTokenClaims | undefined =>
    accessTokenClaimsOf(context.switchToHttp().getRequest<object>()),
);

/** The request and response as both Nest platforms (Express, Fastify) hand them to a guard. */
interface HttpRequestLike {
  readonly headers: Record<string, string | string[] | undefined>;
}
interface HttpResponseLike {
  header(name: string, value: string): unknown;
}

/**
 * A Nest guard for either HTTP platform: refusals become the same statuses, bodies and
 * `WWW-Authenticate` challenges as the Express middleware's.
 */
@Injectable()
export class TesseraAuthGuard implements CanActivate {
  constructor(
    @Inject(TESSERA_RESOURCE_SERVER) private readonly server: ResourceServer,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const requiredScopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    const outcome = await authorizeRequest(this.server.validator, request.headers.authorization, {
      requiredScopes,
      realm: this.server.realm,
    });
    if (outcome.ok) {
      attachAccessTokenClaims(request, outcome.claims);
      return true;
    }
    // Express's `res.header` and Fastify's `reply.header` share this signature.
    const response = http.getResponse<HttpResponseLike>();
    for (const [name, value] of Object.entries(outcome.refusal.headers)) response.header(name, value);
    throw new HttpException(outcome.refusal.body, outcome.refusal.status);
  }
}

@Injectable()
class ValidatorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(TESSERA_RESOURCE_SERVER) private readonly server: ResourceServer) {}

  /** The app does not finish booting until the revocation stream is replayed: it never serves blind. */
  async onApplicationBootstrap(): Promise<void> {
    await this.server.validator.ready();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.validator.close();
  }
}

/** Provides a validator (started with the app, closed with it) and `TesseraAuthGuard`. */
@Module({})
export class TesseraResourceServerModule {
  static forRoot(options: TesseraResourceServerOptions): DynamicModule {
    return {
      module: TesseraResourceServerModule,
      providers: [
        {
          provide: TESSERA_RESOURCE_SERVER,
          useFactory: (): ResourceServer => ({
            validator: new TesseraTokenValidator(options),
            realm: options.realm,
          }),
        },
        ValidatorLifecycle,
        TesseraAuthGuard,
      ],
      exports: [TESSERA_RESOURCE_SERVER, TesseraAuthGuard],
    };
  }
}
