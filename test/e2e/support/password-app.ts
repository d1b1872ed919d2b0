import { expect } from 'vitest';
import type { StackInfo } from '@app/testing';
import { accountLinking } from './account-linking-api';
import { management } from './management-api';

/** The rotating, expiring refresh-token settings the password-grant suites start from. */
const ROTATING_REFRESH_TOKENS = {
  rotation_type: 'rotating',
  expiration_type: 'expiring',
  leeway: 0,
  token_lifetime: 86_400,
  idle_token_lifetime: 3_600,
};

/**
 * What a suite needs to get users' tokens from the real `/oauth/token` by the password grant: an API
 * (`read:notes`, offline access), a regular web app allowed the password and refresh-token grants,
 * and a database user — all created through the Management API of the running stack.
 */
export async function passwordGrantSetup(
  stack: StackInfo,
  adminToken: string,
  options: {
    /** Names the API and the app, e.g. `Revoke` → "Revoke API …", "Revoke app …". */
    label: string;
    run: string;
    audience: string;
    email: string;
    password: string;
    /** More refresh-token settings of the app. */
    refreshToken?: Record<string, unknown>;
    /** More properties of the user (name, nickname…). */
    profile?: Record<string, string>;
  },
): Promise<{ client: { client_id: string; client_secret: string }; userId: string }> {
  const api = await management(stack, adminToken, 'POST', '/resource-servers', {
    identifier: options.audience,
    name: `${options.label} API ${options.run}`,
    scopes: [{ value: 'read:notes' }],
    allow_offline_access: true,
  });
  expect(api.status, api.text).toBe(201);
  const created = await management(stack, adminToken, 'POST', '/clients', {
    name: `${options.label} app ${options.run}`,
    app_type: 'regular_web',
    grant_types: ['password', 'refresh_token'],
    refresh_token: { ...ROTATING_REFRESH_TOKENS, ...options.refreshToken },
  });
  expect(created.status, created.text).toBe(201);
  const user = await accountLinking(stack, adminToken, 'POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email: options.email,
    password: options.password,
    ...options.profile,
  });
  expect(user.status, user.text).toBe(201);
  return {
    client: created.json as { client_id: string; client_secret: string },
    userId: user.json.user_id as string,
  };
}
