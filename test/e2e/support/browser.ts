import { createHash, randomBytes } from 'node:crypto';

/** A response of a browser-like request: no redirect followed, cookies kept by hand. */
export interface BrowserResponse {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
  readonly setCookies: string[];
  readonly headers: Headers;
}

/**
 * A minimal cookie-keeping browser for the authorization-code flow against one service: every URL is
 * taken relative to `base` (the issuer's public URL maps to the service under test), redirects are
 * returned, not followed, so each step can be checked.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly base: string,
    private readonly issuer: string,
    /** Sent with every request, e.g. the `X-Forwarded-For` a gateway would add. */
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The service URL of a public (issuer) URL or a path. */
  resolve(url: string): string {
    const relative = url.startsWith(this.issuer) ? url.slice(this.issuer.length - 1) : url;
    return new URL(relative, this.base).toString();
  }

  async get(url: string): Promise<BrowserResponse> {
    return this.send(url, { method: 'GET' });
  }

  async postForm(url: string, form: Record<string, string>): Promise<BrowserResponse> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  forget(name: string): void {
    this.cookies.delete(name);
  }

  private async send(url: string, init: RequestInit): Promise<BrowserResponse> {
    const cookieHeader = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(this.resolve(url), {
      ...init,
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...(init.headers as Record<string, string>),
        ...(cookieHeader ? { cookie: cookieHeader } : {}),
      },
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
      setCookies,
      headers: response.headers,
    };
  }
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The hidden inputs of the login form. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!.replace(/&#(\d+);/g, (_, code: string) =>
      String.fromCharCode(Number(code)),
    );
  }
  return fields;
}
