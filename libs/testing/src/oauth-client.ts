export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

/** POSTs a form (or raw body) and returns status, headers and the parsed body; never throws on 4xx/5xx. */
export async function post(
  url: string,
  body: Record<string, string> | string,
  options: { headers?: Record<string, string>; contentType?: string } = {},
): Promise<HttpResult> {
  const isForm = typeof body !== 'string';
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type':
        options.contentType ?? (isForm ? 'application/x-www-form-urlencoded' : 'application/json'),
      ...options.headers,
    },
    body: isForm ? new URLSearchParams(body).toString() : body,
  });
  return readResult(response);
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Calls a JSON API (the Management APIs) with an optional Bearer token; never throws on 4xx/5xx. */
export async function requestJson(
  url: string,
  method: HttpMethod,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readResult(response);
}

/** Status, headers, text and — when the body is JSON — the parsed body. */
async function readResult(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}
