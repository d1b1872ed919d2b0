/** What the registry knows of where a refresh-token family or a session was used; null = unknown. */
export interface DeviceFacts {
  readonly initialIp: string | null;
  readonly initialUserAgent: string | null;
  readonly lastIp: string | null;
  readonly lastUserAgent: string | null;
}

/**
 * Auth0's `device` object of refresh tokens and sessions, with only the fields that are known.
 * `initial_asn` and `last_asn` are always left out: Tessera has no IP-to-ASN database, and an
 * invented or empty ASN would be worse than none (docs/adr/0007-revocation-management-gaps.md).
 */
export function deviceView(facts: DeviceFacts): {
  initial_ip?: string;
  initial_user_agent?: string;
  last_ip?: string;
  last_user_agent?: string;
} {
  return {
    ...(facts.initialIp !== null ? { initial_ip: facts.initialIp } : {}),
    ...(facts.initialUserAgent !== null ? { initial_user_agent: facts.initialUserAgent } : {}),
    ...(facts.lastIp !== null ? { last_ip: facts.lastIp } : {}),
    ...(facts.lastUserAgent !== null ? { last_user_agent: facts.lastUserAgent } : {}),
  };
}
