import { describe, expect, it } from 'vitest';
import { OutboundNetworkPolicy } from './outbound-network-policy';

describe('OutboundNetworkPolicy', () => {
  const production = new OutboundNetworkPolicy(false);
  const development = new OutboundNetworkPolicy(true);

  it('accepts https URLs to names and public addresses', () => {
    for (const url of [
      'https://login.example.com/',
      'https://8.8.8.8/.well-known/openid-configuration',
      'https://[2606:4700::1]:8443/x',
    ]) {
      expect(production.urlProblem(url), url).toBeNull();
      expect(development.urlProblem(url), url).toBeNull();
    }
  });

  it('refuses http, other schemes and credentials in production', () => {
    expect(production.urlProblem('http://login.example.com/')).toMatch(/https/);
    expect(production.urlProblem('http://169.254.169.254/latest/meta-data/')).toMatch(/https/);
    expect(production.urlProblem('http://127.0.0.1:4000/')).toMatch(/https/);
    expect(production.urlProblem('ftp://login.example.com/')).toMatch(/https/);
    expect(production.urlProblem('https://user:pass@login.example.com/')).toMatch(/user name or password/);
    expect(production.urlProblem('not a url')).toMatch(/absolute URL/);
  });

  it('refuses internal hosts in production, however the address is written', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://127.1/',
      'https://2130706433/',
      'https://0x7f000001/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://10.0.0.5/',
      'https://192.168.0.1/',
      'https://[fd00::1]/',
      'https://localhost:8443/',
      'https://auth.localhost/',
      'https://169.254.169.254/',
      'https://[fe80::1]/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
    ]) {
      expect(production.urlProblem(url), url).toMatch(/must not point at/);
    }
  });

  it('in development allows loopback and private networks, and http only to loopback', () => {
    expect(development.urlProblem('http://127.0.0.1:4000/')).toBeNull();
    expect(development.urlProblem('http://[::1]:4000/')).toBeNull();
    expect(development.urlProblem('http://localhost:4000/')).toBeNull();
    expect(development.urlProblem('https://10.0.0.5/')).toBeNull();
    expect(development.urlProblem('https://localhost/')).toBeNull();
    expect(development.urlProblem('http://10.0.0.5/')).toMatch(/only to loopback/);
    expect(development.urlProblem('http://login.example.com/')).toMatch(/only to loopback/);
  });

  it('never allows link-local or special-use addresses, not even in development', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/',
      'https://[fe80::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://0.0.0.0/',
    ]) {
      expect(development.urlProblem(url), url).not.toBeNull();
    }
  });

  it('judges resolved addresses by the scheme they are reached with', () => {
    expect(production.allowsAddress('93.184.216.34', 'https:')).toBe(true);
    expect(production.allowsAddress('127.0.0.1', 'https:')).toBe(false);
    expect(production.allowsAddress('::ffff:10.0.0.1', 'https:')).toBe(false);
    expect(development.allowsAddress('10.0.0.1', 'https:')).toBe(true);
    expect(development.allowsAddress('127.0.0.1', 'http:')).toBe(true);
    expect(development.allowsAddress('10.0.0.1', 'http:')).toBe(false);
    expect(development.allowsAddress('93.184.216.34', 'http:')).toBe(false);
    expect(development.allowsAddress('169.254.169.254', 'https:')).toBe(false);
  });
});
