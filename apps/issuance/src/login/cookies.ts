/**
 * The login session cookie: the session's own random secret (256 bits), never its public id (which
 * `sid` and the audit stream publish); `login_sessions` keeps only the secret's SHA-256.
 */
export const SESSION_COOKIE = 'tessera_session';
/** Binds an `/authorize` transaction to the browser that started it (login CSRF defence). */
export const CSRF_COOKIE = 'tessera_csrf';

/** Reads one cookie from a `Cookie` header (RFC 6265 §5.4); values are our own base64url tokens. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/**
 * A `Set-Cookie` value: HttpOnly (scripts never see it), SameSite=Lax (sent on the top-level
 * redirect back from an upstream provider, not on cross-site POSTs), Secure when the issuer is HTTPS.
 */
export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
