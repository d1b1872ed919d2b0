import { requestJson, type HttpMethod, type HttpResult, type StackInfo } from '@app/testing';

/** Calls account-linking directly (Management API or internal API); never throws on 4xx/5xx. */
export function accountLinking(
  stack: StackInfo,
  token: string | null,
  method: HttpMethod,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return requestJson(`${stack.urls.accountLinking}${path}`, method, token, body, headers);
}
