import { expect } from 'vitest';
import { post, type HttpResult, type StackInfo } from '@app/testing';
import { accountLinking } from './account-linking-api';
import { Browser, formFields, pkcePair } from './browser';
import { management } from './management-api';

/** A public client (SPA) with one callback, logging its users in through the hosted login page. */
export interface BrowserApp {
  readonly clientId: string;
  readonly callback: string;
}

export const DATABASE_CONNECTION = 'Username-Password-Authentication';

/**
 * A SPA (authorization code + refresh tokens, PKCE, no secret) and a database user, created through
 * the Management API of the running stack.
 */
export async function browserAppSetup(
  stack: StackInfo,
  adminToken: string,
  options: { label: string; run: string; email: string; password: string },
): Promise<{ app: BrowserApp; userId: string }> {
  const callback = `https://${options.label.toLowerCase()}-${options.run}.example.test/callback`;
  const created = await management(stack, adminToken, 'POST', '/clients', {
    name: `${options.label} SPA ${options.run}`,
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    callbacks: [callback],
  });
  expect(created.status, created.text).toBe(201);
  const user = await accountLinking(stack, adminToken, 'POST', '/api/v2/users', {
    connection: DATABASE_CONNECTION,
    email: options.email,
    password: options.password,
  });
  expect(user.status, user.text).toBe(201);
  return {
    app: { clientId: created.json.client_id as string, callback },
    userId: user.json.user_id as string,
  };
}

/** `/authorize` for the app with a fresh PKCE pair (S256); returns the path and the verifier. */
export function authorizeRequest(
  app: BrowserApp,
  params: Record<string, string> = {},
): { path: string; verifier: string } {
  const pkce = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.callback,
    scope: 'openid offline_access',
    state: 'st',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...params,
  });
  return { path: `/authorize?${query.toString()}`, verifier: pkce.verifier };
}

/** The query of a redirect to the app's callback (a code, or an error). */
export function callbackParams(app: BrowserApp, location: string | null): URLSearchParams {
  expect(location).not.toBeNull();
  const url = new URL(location!);
  expect(`${url.origin}${url.pathname}`).toBe(app.callback);
  return url.searchParams;
}

/**
 * Logs the browser in through `/authorize` → `/u/login` (the real form, CSRF cookie included) and
 * returns the code the app's callback receives, with the PKCE verifier that goes with it.
 */
export async function logInThroughHostedPage(
  browser: Browser,
  app: BrowserApp,
  credentials: { email: string; password: string },
  params: Record<string, string> = {},
): Promise<{ code: string; verifier: string }> {
  const request = authorizeRequest(app, params);
  const start = await browser.get(request.path);
  expect(start.status, start.html).toBe(302);
  expect(start.location).toMatch(/\/u\/login\?state=/);
  const page = await browser.get(start.location!);
  expect(page.status, page.html).toBe(200);
  const done = await browser.postForm('/u/login', {
    ...formFields(page.html),
    username: credentials.email,
    password: credentials.password,
  });
  expect(done.status, done.html).toBe(302);
  const code = callbackParams(app, done.location).get('code');
  expect(code).toBeTruthy();
  return { code: code!, verifier: request.verifier };
}

/** `grant_type=authorization_code` for the public app. */
export function exchangeCode(
  stack: StackInfo,
  app: BrowserApp,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
): Promise<HttpResult> {
  return post(`${stack.urls.issuance}/oauth/token`, {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    code,
    redirect_uri: app.callback,
    code_verifier: verifier,
    ...extra,
  });
}

/** `grant_type=refresh_token` for the public app (no secret). */
export function refreshAsApp(stack: StackInfo, app: BrowserApp, refreshToken: string): Promise<HttpResult> {
  return post(`${stack.urls.issuance}/oauth/token`, {
    grant_type: 'refresh_token',
    client_id: app.clientId,
    refresh_token: refreshToken,
  });
}

/**
 * `/authorize?prompt=none` as an attacker's client would send it: no browser state but the given
 * `tessera_session` cookie value. Returns the query of the redirect to the callback.
 */
export async function silentAuthorize(
  stack: StackInfo,
  app: BrowserApp,
  sessionCookie: string,
): Promise<URLSearchParams> {
  const request = authorizeRequest(app, { prompt: 'none' });
  const response = await fetch(new URL(request.path, stack.urls.issuance), {
    redirect: 'manual',
    headers: { cookie: `tessera_session=${sessionCookie}` },
  });
  await response.body?.cancel();
  expect(response.status).toBe(302);
  return callbackParams(app, response.headers.get('location'));
}
