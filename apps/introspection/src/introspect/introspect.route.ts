import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { registerHotRoute } from '@app/http';
import type { OAuthParams } from '@app/oauth';
import { IntrospectionCallerAuthenticator } from '../callers/introspection-caller';
import { IntrospectionMetrics } from '../metrics/introspection-metrics';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';
import { INTROSPECTION_JWT_MEDIA_TYPE, SignedIntrospection, wantsSignedAnswer } from './signed-introspection';

/**
 * `POST /oauth/introspect` (RFC 7662), a hot route (libs/http `registerHotRoute`): registered on
 * fastify directly, with the same parsing, parameter rules and error filter as every endpoint.
 *
 * The caller authenticates as a confidential client or with a Management API token; what it may see
 * is decided in callers/introspection-policy.ts. `token_type_hint` is accepted and not needed: the
 * token's shape tells. With `Accept: application/token-introspection+jwt` the same answer comes signed
 * (RFC 9701).
 */
@Injectable()
export class IntrospectRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly callers: IntrospectionCallerAuthenticator,
    private readonly introspection: IntrospectionService,
    private readonly signed: SignedIntrospection,
    private readonly counted: IntrospectionMetrics,
  ) {}

  onModuleInit(): void {
    registerHotRoute(this.adapterHost, '/oauth/introspect', async (params, request, reply) => {
      try {
        return await this.handle(params, request, reply);
      } catch (error) {
        this.counted.failed(params.get('token'), error);
        throw error;
      }
    });
  }

  private async handle(
    params: OAuthParams,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<IntrospectionResponse | string> {
    const caller = await this.callers.authenticate(request.headers.authorization, params);
    const token = params.require('token');
    const answer = await this.introspection.introspect(token, caller);
    this.counted.introspected(token, answer.active ? 'active' : 'inactive');
    void reply.header('cache-control', 'no-store');
    if (!wantsSignedAnswer(request.headers.accept)) return answer;
    const jwt = this.signed.sign(answer, caller.clientId);
    void reply.type(INTROSPECTION_JWT_MEDIA_TYPE);
    return jwt;
  }
}
