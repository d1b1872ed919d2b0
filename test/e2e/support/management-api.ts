import type { StackInfo } from '@app/testing';
import { post, type HttpResult } from '@app/testing';

/** The Management API audience of the stack's issuer: `{issuer}api/v2/`. */
export function managementAudience(stack: StackInfo): string {
  return `${stack.issuer}api/v2/`;
}

/** A Management API token by client credentials (the bootstrap client unless another is given). */
export async function managementToken(
  stack: StackInfo,
  client: { clientId: string; clientSecret: string } = stack.bootstrap,
  scope?: string,
): Promise<string> {
  const response = await post(`${stack.urls.issuance}/oauth/token`, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    audience: managementAudience(stack),
    ...(scope ? { scope } : {}),
  });
  if (response.status !== 200) throw new Error(`management token: ${response.status} ${response.text}`);
  return response.json.access_token as string;
}

/** Calls the Management API on issuance; never throws on 4xx/5xx. */
export async function management(
  stack: StackInfo,
  token: string | null,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(`${stack.urls.issuance}/api/v2${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
