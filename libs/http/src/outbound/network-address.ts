import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of address an upstream host resolved to, for the SSRF rules (security review #6):
 * - `public`: globally routable unicast, always allowed;
 * - `loopback` and `private` (RFC 1918, RFC 6598 shared space, fc00::/7): this machine or the
 *   internal network, allowed only with `TESSERA_UPSTREAM_ALLOW_PRIVATE_NETWORKS` (development);
 * - `special`: link-local (169.254.0.0/16 with the cloud metadata address, fe80::/10), unspecified,
 *   multicast, broadcast, documentation, benchmarking and other IANA special-use blocks, never allowed.
 */
export type AddressKind = 'public' | 'loopback' | 'private' | 'special';

function blockList(entries: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}

const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);

const PRIVATE = blockList([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // RFC 6598 carrier-grade NAT: internal to a provider's network
  ['fc00::', 7, 'ipv6'], // RFC 4193 unique local
]);

/** IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890), minus the two lists above. */
const SPECIAL = blockList([
  ['0.0.0.0', 8, 'ipv4'], // "this network", with the unspecified 0.0.0.0
  ['169.254.0.0', 16, 'ipv4'], // RFC 3927 link-local, 169.254.169.254 is the cloud metadata service
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.0.2.0', 24, 'ipv4'], // documentation (TEST-NET-1)
  ['192.88.99.0', 24, 'ipv4'], // 6to4 relay anycast
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'], // documentation (TEST-NET-2)
  ['203.0.113.0', 24, 'ipv4'], // documentation (TEST-NET-3)
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, with the broadcast 255.255.255.255
  ['::', 96, 'ipv6'], // unspecified and the deprecated IPv4-compatible block
  ['64:ff9b::', 96, 'ipv6'], // NAT64 (RFC 6052): reaches IPv4 addresses we cannot check here
  ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64 (RFC 8215)
  ['100::', 64, 'ipv6'], // discard-only
  ['2001::', 23, 'ipv6'], // IETF protocol assignments, with Teredo 2001::/32
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['2002::', 16, 'ipv6'], // 6to4: embeds an IPv4 address
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // deprecated site-local
  ['ff00::', 8, 'ipv6'], // multicast
]);

/** RFC 4291 §2.4: global unicast is 2000::/3; everything else outside the lists above is reserved. */
const GLOBAL_UNICAST_V6 = blockList([['2000::', 3, 'ipv6']]);

const MAPPED_PREFIX = '::ffff:';

/** The kind of a literal IP address (IPv4, or IPv6 with IPv4-mapped addresses classified as IPv4). */
export function addressKind(literal: string): AddressKind {
  // A zone index (fe80::1%eth0) names an interface, not another address.
  const address = literal.split('%')[0]!;
  if (isIPv4(address)) return kindOf(address, 'ipv4');
  if (!isIPv6(address)) throw new TypeError('not an IP address');
  const mapped = mappedIPv4(address);
  if (mapped !== null) return kindOf(mapped, 'ipv4');
  if (!GLOBAL_UNICAST_V6.check(address, 'ipv6') && !LOOPBACK.check(address, 'ipv6')) {
    return PRIVATE.check(address, 'ipv6') ? 'private' : 'special';
  }
  return kindOf(address, 'ipv6');
}

function kindOf(address: string, family: 'ipv4' | 'ipv6'): AddressKind {
  if (LOOPBACK.check(address, family)) return 'loopback';
  if (SPECIAL.check(address, family)) return 'special';
  if (PRIVATE.check(address, family)) return 'private';
  return 'public';
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2: ::ffff:a.b.c.d, also
 * written ::ffff:7f00:1), or null. A socket to it reaches the IPv4 host, so it is judged as one.
 */
function mappedIPv4(address: string): string | null {
  // The URL parser writes every IPv6 address in one canonical, compressed, lower-case form.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  if (!canonical.startsWith(MAPPED_PREFIX)) return null;
  const rest = canonical.slice(MAPPED_PREFIX.length);
  if (isIPv4(rest)) return rest;
  const groups = rest.split(':');
  if (groups.length !== 2) return null;
  const [high, low] = groups.map((group) => parseInt(group, 16)) as [number, number];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
