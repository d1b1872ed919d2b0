import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { rawBodyOf } from '@app/http';
import { InvalidRequestError } from '@app/oauth';
import { validate } from '@app/management';
import { InternalCallerGuard } from './internal-caller.guard';
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
  verify(@Req() request: FastifyRequest) {
    const body = parseJsonBody(request);
    return this.verifications.verify(body.connection, body.username, body.password);
  }
}

function parseJsonBody(request: FastifyRequest) {
  const raw = rawBodyOf(request);
  if (raw.kind !== 'json')
    throw new InvalidRequestError('The body must be JSON (Content-Type: application/json)');
  let input: unknown;
  try {
    input = JSON.parse(raw.text);
  } catch {
    throw new InvalidRequestError('The body is not valid JSON');
  }
  const result = validate(passwordVerificationBody, input);
  if (!result.ok) throw new InvalidRequestError(`Invalid body: ${result.problem}`);
  return result.value;
}
