import { isIP } from 'node:net';
import { addressKind } from './network-address';

/**
 * Where account-linking may send requests for an upstream OIDC connection (security review #6):
 * anonymous browsers set off those requests through `/login/start`, so a connection must not turn
 * the service into a proxy to the cloud metadata service, this machine or the internal network.
 *
 * - Only `https` URLs, with no user name or password in them.
 * - Every address the host resolves to must be public (see `addressKind`); the HTTP client checks
 *   the resolved addresses at connect time and connects to the checked one (no DNS rebinding).
 * - `allowPrivateNetworks` (TESSERA_UPSTREAM_ALLOW_PRIVATE_NETWORKS, development and tests only)
 *   also allows loopback and private addresses, and plain `http` to loopback. Link-local, multicast
 *   and the other special-use addresses stay refused even then.
 */
export class OutboundNetworkPolicy {
  constructor(readonly allowPrivateNetworks: boolean) {}

  /**
   * Why this URL may not be used, from the URL alone (no DNS), or null. Run when a connection is
   * saved, on every endpoint a discovery document names, and before every request.
   */
  urlProblem(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'must be an absolute URL';
    }
    if (parsed.username !== '' || parsed.password !== '') return 'must not carry a user name or password';
    const loopbackName = isLoopbackName(parsed.hostname);
    if (parsed.protocol === 'http:') {
      if (!this.allowPrivateNetworks) return 'must be an https URL';
      const literal = ipLiteral(parsed.hostname);
      const loopback = literal !== null ? addressKind(literal) === 'loopback' : loopbackName;
      return loopback ? null : 'must be an https URL (http is allowed only to loopback in development)';
    }
    if (parsed.protocol !== 'https:') return 'must be an https URL';
    const literal = ipLiteral(parsed.hostname);
    if (literal !== null) return this.allowsAddress(literal, 'https:') ? null : FORBIDDEN_ADDRESS;
    if (loopbackName && !this.allowPrivateNetworks) return FORBIDDEN_ADDRESS;
    return null;
  }

  /** Whether a socket may be opened to this (resolved) address for a URL of this protocol. */
  allowsAddress(address: string, protocol: string): boolean {
    const kind = addressKind(address);
    if (kind === 'special') return false;
    if (protocol === 'http:') return this.allowPrivateNetworks && kind === 'loopback';
    return kind === 'public' || this.allowPrivateNetworks;
  }
}

const FORBIDDEN_ADDRESS = 'must not point at a loopback, private, link-local or special-use address';

/** The IP address a URL's hostname is written as (IPv6 without its brackets), or null for a name. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) !== 0 ? bare : null;
}

/** RFC 6761 §6.3: `localhost` and names under it are this machine, whatever DNS says. */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
