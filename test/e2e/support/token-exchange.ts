import { expect } from 'vitest';
import { post, type HttpResult, type StackInfo } from '@app/testing';
import { accountLinking } from './account-linking-api';
import { management } from './management-api';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface Credentials {
  client_id: string;
  client_secret: string;
}

/** A user's tokens as the password grant returns them. */
export interface UserTokens {
  access_token: string;
  id_token: string;
  refresh_token: string;
}

/**
 * The Management API calls a token-exchange suite sets itself up with — APIs, clients (named with the
 * run, so runs never collide), client grants and a database user — each expected to succeed.
 */
export function exchangeSetup(stack: StackInfo, adminToken: string, run: string) {
  return {
    async api(identifier: string, scopes: readonly string[]): Promise<void> {
      const created = await management(stack, adminToken, 'POST', '/resource-servers', {
        identifier,
        name: `API ${identifier}`,
        scopes: scopes.map((value) => ({ value })),
        allow_offline_access: true,
      });
      expect(created.status, created.text).toBe(201);
    },
    async client(
      name: string,
      body: Record<string, unknown>,
    ): Promise<Credentials & Record<string, unknown>> {
      const created = await management(stack, adminToken, 'POST', '/clients', {
        name: `${name} ${run}`,
        ...body,
      });
      expect(created.status, created.text).toBe(201);
      return created.json as Credentials & Record<string, unknown>;
    },
    async grant(client: Credentials, audience: string, scope: readonly string[]): Promise<void> {
      const created = await management(stack, adminToken, 'POST', '/client-grants', {
        client_id: client.client_id,
        audience,
        scope,
      });
      expect(created.status, created.text).toBe(201);
    },
    /** A user of the database connection; returns their user id. */
    async user(email: string, password: string, name: string): Promise<string> {
      const created = await accountLinking(stack, adminToken, 'POST', '/api/v2/users', {
        connection: 'Username-Password-Authentication',
        email,
        password,
        name,
      });
      expect(created.status, created.text).toBe(201);
      return created.json.user_id as string;
    },
  };
}

/** The user's tokens for `audience`, by the password grant of `app` (expected to succeed). */
export async function passwordTokens(
  stack: StackInfo,
  app: Credentials,
  request: { email: string; password: string; audience: string; scope: string },
): Promise<UserTokens> {
  const response = await post(`${stack.urls.issuance}/oauth/token`, {
    grant_type: 'password',
    client_id: app.client_id,
    client_secret: app.client_secret,
    username: request.email,
    password: request.password,
    audience: request.audience,
    scope: request.scope,
  });
  expect(response.status, response.text).toBe(200);
  return response.json as UserTokens;
}

/** RFC 8693 exchange of an access token by `client` for `audience`; `extra` adds or overrides parameters. */
export function exchangeToken(
  stack: StackInfo,
  client: Credentials,
  subjectToken: string,
  audience: string,
  extra: Record<string, string> = {},
): Promise<HttpResult> {
  return post(`${stack.urls.issuance}/oauth/token`, {
    grant_type: TOKEN_EXCHANGE,
    client_id: client.client_id,
    client_secret: client.client_secret,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    audience,
    ...extra,
  });
}
