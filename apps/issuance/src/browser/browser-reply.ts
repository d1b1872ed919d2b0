import type { FastifyReply } from 'fastify';

/** What a browser endpoint answers: a redirect or a page, with the cookies it sets. */
export type BrowserOutcome =
  | { kind: 'redirect'; location: string; cookies: string[] }
  | { kind: 'page'; status: number; html: string; cookies: string[]; headers?: Record<string, string> };

/**
 * Sends a browser endpoint's answer (`/authorize`, the login and consent pages, logout): never cached,
 * never framed (clickjacking), no referrer leaked, a CSP that lets a page post only to this origin.
 */
export function sendBrowserOutcome(reply: FastifyReply, outcome: BrowserOutcome): void {
  void reply.headers({
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  if (outcome.cookies.length > 0) void reply.header('set-cookie', outcome.cookies);
  if (outcome.kind === 'redirect') {
    void reply.code(302).header('location', outcome.location).send();
  } else {
    if (outcome.headers) void reply.headers(outcome.headers);
    void reply.code(outcome.status).type('text/html; charset=utf-8').send(outcome.html);
  }
}
