import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InternalCallerGuard } from '@app/http';
import { parseInternalBody } from './json-body';
import { loginTicketRedemptionBody } from './login-ticket-redemption.schemas';
import { LoginTicketRedemptionService } from './login-ticket-redemption.service';

/**
 * The internal API issuance calls at `/authorize/resume` to learn who finished an upstream login
 * (docs/adr/0005-internal-api.md; not routed by the gateway).
 */
@Controller('internal/v1/login-tickets/redemptions')
@UseGuards(InternalCallerGuard)
export class LoginTicketRedemptionController {
  constructor(private readonly redemptions: LoginTicketRedemptionService) {}

  @Post()
  @HttpCode(200)
  redeem(@Req() request: FastifyRequest) {
    const body = parseInternalBody(request, loginTicketRedemptionBody);
    return this.redemptions.redeem(body.ticket, body.transaction);
  }
}
