import { describe, expect, it } from 'vitest';
import { AddressAllowlist, loginAddress } from './login-address';

describe('loginAddress', () => {
  it('counts an IPv4 address as itself, an IPv4-mapped IPv6 address as its IPv4', () => {
    expect(loginAddress('198.18.0.7')).toEqual({ ip: '198.18.0.7', key: '198.18.0.7' });
    expect(loginAddress('::ffff:198.18.0.7')).toEqual({ ip: '198.18.0.7', key: '198.18.0.7' });
    expect(loginAddress('::FFFF:c612:0007')).toEqual({ ip: '198.18.0.7', key: '198.18.0.7' });
  });

  it('counts an IPv6 address by its /64, however it is written, and shows it canonical', () => {
    const one = loginAddress('2001:0DB8:00aa:0001:0000:0000:0000:0001');
    expect(one).toEqual({ ip: '2001:db8:aa:1::1', key: '2001:db8:aa:1::/64' });
    expect(loginAddress('2001:db8:aa:1:ffff::beef').key).toBe(one.key);
    expect(loginAddress('2001:db8:aa:2::1').key).not.toBe(one.key);
    expect(loginAddress('::1')).toEqual({ ip: '::1', key: '0:0:0:0::/64' });
    expect(loginAddress('fe80::1%eth0')).toEqual({ ip: 'fe80::1', key: 'fe80:0:0:0::/64' });
  });

  it('counts a missing or malformed address under one shared key: limits fail closed', () => {
    for (const raw of [undefined, '', 'gateway', '1.2.3', '999.1.1.1', '1::2::3', '198.18.0.7, 10.0.0.1']) {
      expect(loginAddress(raw), String(raw)).toEqual({ ip: 'unknown', key: 'unknown' });
    }
  });
});

describe('AddressAllowlist', () => {
  const allowlist = new AddressAllowlist(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('holds the listed addresses and ranges, of either family', () => {
    expect(allowlist.includes(loginAddress('127.0.0.1'))).toBe(true);
    expect(allowlist.includes(loginAddress('::ffff:10.20.30.40'))).toBe(true);
    expect(allowlist.includes(loginAddress('fd12::1'))).toBe(true);
    expect(allowlist.includes(loginAddress('127.0.0.2'))).toBe(false);
    expect(allowlist.includes(loginAddress('2001:db8::1'))).toBe(false);
    expect(allowlist.includes(loginAddress(undefined))).toBe(false);
  });

  it('holds nothing when empty (the default)', () => {
    expect(new AddressAllowlist([]).includes(loginAddress('127.0.0.1'))).toBe(false);
  });
});
