import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rawBodyOf } from '@app/http';
import { OAuthExceptionFilter, OAuthParams } from '@app/oauth';
import { IntrospectionCallerAuthenticator } from '../callers/introspection-caller';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';
import { INTROSPECTION_JWT_MEDIA_TYPE, SignedIntrospection, wantsSignedAnswer } from './signed-introspection';

/**
 * `POST /oauth/introspect` (RFC 7662), registered on fastify directly rather than as a Nest controller:
 * it is the hottest route there is (DESIGN §1) and Nest's per-request routing pipeline (execution
 * context, parameter decorators, filter lookup) is a measurable share of a cached introspection.
 * Everything else is as for the other endpoints: the same raw-body parsing, the same parameter rules,
 * and errors rendered by the same OAuthExceptionFilter.
 *
 * The caller authenticates as a confidential client or with a Management API token; what it may see
 * is decided in callers/introspection-policy.ts. `token_type_hint` is accepted and not needed: the
 * token's shape tells. With `Accept: application/token-introspection+jwt` the same answer comes signed
 * (RFC 9701).
 */
@Injectable()
export class IntrospectRoute implements OnModuleInit {
  private readonly errors = new OAuthExceptionFilter();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly callers: IntrospectionCallerAuthenticator,
    private readonly introspection: IntrospectionService,
    private readonly signed: SignedIntrospection,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post('/oauth/introspect', (request, reply) => this.handle(request, reply));
  }

  private async handle(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<IntrospectionResponse | string> {
    try {
      const params = OAuthParams.parse(rawBodyOf(request));
      const caller = await this.callers.authenticate(request.headers.authorization, params);
      const token = params.require('token');
      const answer = await this.introspection.introspect(token, caller);
      void reply.header('cache-control', 'no-store');
      if (!wantsSignedAnswer(request.headers.accept)) return answer;
      const jwt = this.signed.sign(answer, caller.clientId);
      void reply.type(INTROSPECTION_JWT_MEDIA_TYPE);
      return jwt;
    } catch (error) {
      this.errors.catch(error, new ExecutionContextHost([request, reply]));
      return reply;
    }
  }
}
