import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authorizeRequest, type AuthorizeOptions } from './bearer-response';
import { attachAccessTokenClaims } from './request-claims';
import type { TesseraTokenValidator } from './tessera-token-validator';

/**
 * Express middleware: lets a request through with a valid Tessera access token (claims via
 * `accessTokenClaimsOf(req)`), otherwise answers it — 401 `invalid_token` with a `WWW-Authenticate`
 * challenge (RFC 6750 §3), 403 `insufficient_scope`, 400 for a malformed header, 503 while starting.
 */
export function tesseraExpressMiddleware(
  validator: TesseraTokenValidator,
  options: AuthorizeOptions = {},
): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    authorizeRequest(validator, request.headers.authorization, options).then((outcome) => {
      if (outcome.ok) {
        attachAccessTokenClaims(request, outcome.claims);
        next();
        return;
      }
      response.status(outcome.refusal.status).set(outcome.refusal.headers).json(outcome.refusal.body);
    }, next);
  };
}
