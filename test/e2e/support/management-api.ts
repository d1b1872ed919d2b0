import type { StackInfo } from '@app/testing';
import { post, requestJson, type HttpMethod, type HttpResult } from '@app/testing';

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
export function management(
  stack: StackInfo,
  token: string | null,
  method: HttpMethod,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return requestJson(`${stack.urls.issuance}/api/v2${path}`, method, token, body, headers);
}
