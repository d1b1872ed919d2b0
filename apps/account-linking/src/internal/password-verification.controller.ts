import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequestId } from '@app/http';
import { InternalCallerGuard } from '@app/http';
import { parseInternalBody } from './json-body';
import { passwordVerificationBody } from './password-verification.schemas';
import { PasswordVerificationService } from './password-verification.service';

/**
 * The internal API that issuance calls to check a password (DESIGN §1: login may call
 * account-linking). Not routed by the gateway; errors are OAuth bodies, which issuance relays.
 */
@Controller('internal/v1/password-verifications')
@UseGuards(InternalCallerGuard)
export class PasswordVerificationController {
  constructor(private readonly verifications: PasswordVerificationService) {}

  @Post()
  @HttpCode(200)
  verify(@Req() request: FastifyRequest, @RequestId() requestId: string) {
    const body = parseInternalBody(request, passwordVerificationBody);
    return this.verifications.verify(
      {
        connection: body.connection,
        username: body.username,
        password: body.password,
        clientId: body.client_id,
        ...(body.ip !== undefined ? { ip: body.ip } : {}),
      },
      { correlationId: requestId },
    );
  }
}
