import { describe, expect, it } from 'vitest';
import { addressKind } from './network-address';

describe('addressKind', () => {
  it('finds loopback in both families, also written as IPv4-mapped IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:0001',
    ]) {
      expect(addressKind(address), address).toBe('loopback');
    }
  });

  it('finds the private networks: RFC 1918, shared address space, unique local', () => {
    for (const address of [
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:10.1.2.3',
      '::ffff:c0a8:101',
    ]) {
      expect(addressKind(address), address).toBe('private');
    }
  });

  it('refuses link-local (the cloud metadata service), unspecified, multicast and other special-use blocks', () => {
    for (const address of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      'fe80::1',
      'fe80::1%eth0',
      '0.0.0.0',
      '0.1.2.3',
      '::',
      '::127.0.0.1',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
      '192.0.2.1',
      '198.51.100.7',
      '203.0.113.9',
      '198.18.0.1',
      '192.0.0.8',
      'ff02::1',
      'fec0::1',
      '2001:db8::1',
      '2001::1',
      '2002:7f00:1::1',
      '64:ff9b::a9fe:a9fe',
      '100::1',
      '4000::1',
    ]) {
      expect(addressKind(address), address).toBe('special');
    }
  });

  it('leaves public unicast addresses public', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '169.255.0.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001::1',
      '::ffff:8.8.8.8',
    ]) {
      expect(addressKind(address), address).toBe('public');
    }
  });

  it('refuses to classify a name', () => {
    expect(() => addressKind('example.com')).toThrow(TypeError);
  });
});
