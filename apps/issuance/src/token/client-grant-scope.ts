import { AccessDeniedError, printable } from '@app/oauth';

/**
 * Without `scope`, every granted scope; with it, exactly what was asked, which must all be granted
 * (Auth0: 403 access_denied "Client has not been granted scopes: …").
 */
export function grantedScope(requested: string | undefined, granted: readonly string[]): string {
  if (requested === undefined) return granted.join(' ');
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  const missing = asked.filter((scope) => !granted.includes(scope));
  if (missing.length > 0) {
    throw new AccessDeniedError(
      `Client has not been granted scopes: ${missing.map((name) => printable(name, 200)).join(', ')}`,
    );
  }
  return asked.join(' ');
}
