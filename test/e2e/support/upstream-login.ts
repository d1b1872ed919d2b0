import { randomBytes } from 'node:crypto';
import type { StackInfo } from '@app/testing';
import { Browser, pkcePair } from './browser';
import { management } from './management-api';

export const UPSTREAM_APP_CALLBACK = 'https://app.example.test/callback';

/** A public (SPA) application that signs people in with `/authorize?connection=…`. */
export async function createUpstreamLoginApp(stack: StackInfo, token: string): Promise<string> {
  const app = await management(stack, token, 'POST', '/clients', {
    name: `Upstream login app ${randomBytes(4).toString('hex')}`,
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    callbacks: [UPSTREAM_APP_CALLBACK],
  });
  if (app.status !== 201) throw new Error(`creating the app failed: ${app.status} ${app.text}`);
  return app.json.client_id as string;
}

export interface UpstreamLoginStart {
  /** The browser that holds issuance's transaction cookie, for /authorize/resume. */
  readonly browser: Browser;
  /** `/login/start?…` exactly as issuance sent the browser there (path and query). */
  readonly startPath: string;
  /** Issuance's transaction id, which the login ticket is bound to. */
  readonly transaction: string;
  readonly pkce: { verifier: string; challenge: string };
}

/**
 * `/authorize?connection=<connection>` at issuance, as a browser would: the 302 to account-linking's
 * `/login/start` that a real upstream login begins with (not yet visited).
 */
export async function authorizeThroughConnection(
  stack: StackInfo,
  clientId: string,
  connection: string,
): Promise<UpstreamLoginStart> {
  const browser = new Browser(stack.urls.issuance, stack.issuer);
  const pkce = pkcePair();
  const authorize = await browser.get(
    `/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: UPSTREAM_APP_CALLBACK,
      scope: 'openid profile email',
      state: 'app-state',
      nonce: 'app-nonce',
      connection,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }).toString()}`,
  );
  if (authorize.status !== 302 || !authorize.location) {
    throw new Error(`/authorize did not redirect: ${authorize.status} ${authorize.html}`);
  }
  const start = new URL(authorize.location);
  if (`${start.origin}${start.pathname}` !== `${stack.issuer}login/start`) {
    throw new Error(`/authorize sent the browser elsewhere: ${start.origin}${start.pathname}`);
  }
  return {
    browser,
    startPath: `/login/start${start.search}`,
    transaction: start.searchParams.get('transaction')!,
    pkce,
  };
}
