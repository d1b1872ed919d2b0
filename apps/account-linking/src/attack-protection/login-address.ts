import { BlockList, isIP } from 'node:net';

/** Where a login came from, as attack protection counts it. */
export interface LoginAddress {
  /** The address in canonical form (IPv4-mapped IPv6 as IPv4), or `unknown`. */
  readonly ip: string;
  /**
   * What limits are counted by: the address itself, or for IPv6 its /64 — one end user is routinely
   * given a whole /64, so counting single IPv6 addresses would give an attacker 2^64 fresh counters.
   */
  readonly key: string;
}

/**
 * An address issuance did not send, or that is not an address, is counted under one shared key
 * rather than not at all: limits fail closed. Issuance always sends the peer's address.
 */
const UNKNOWN: LoginAddress = { ip: 'unknown', key: 'unknown' };
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

export function loginAddress(raw: string | undefined): LoginAddress {
  if (raw === undefined) return UNKNOWN;
  const address = raw.trim().replace(/%.*$/s, ''); // a zone id names an interface, not a host
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped && isIP(mapped[1]!) === 4) return { ip: mapped[1]!, key: mapped[1]! };
  switch (isIP(address)) {
    case 4:
      return { ip: address, key: address };
    case 6: {
      const groups = ipv6Groups(address);
      if (!groups) return UNKNOWN;
      if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
        // IPv4-mapped, written in hex (::ffff:c000:201): the IPv4 address it maps.
        const [high, low] = [parseInt(groups[6]!, 16), parseInt(groups[7]!, 16)];
        const ip = [high >> 8, high & 255, low >> 8, low & 255].join('.');
        return { ip, key: ip };
      }
      const ip = new URL(`http://[${address}]/`).hostname.slice(1, -1);
      return { ip, key: `${groups.slice(0, 4).join(':')}::/64` };
    }
    default:
      return UNKNOWN;
  }
}

/** The eight 16-bit groups of an IPv6 address, lowercase hex without leading zeros. */
function ipv6Groups(address: string): string[] | null {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two hex groups.
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    parseInt(group || '0', 16).toString(16),
  );
}

/** The addresses attack protection never applies to (TESSERA_ATTACK_PROTECTION_ALLOWLIST). */
export class AddressAllowlist {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
  }

  includes(address: LoginAddress): boolean {
    if (this.empty || address.ip === 'unknown') return false;
    return this.list.check(address.ip, isIP(address.ip) === 6 ? 'ipv6' : 'ipv4');
  }
}
