import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, withoutUserinfo } from './load-config';
import { addressRanges, encryptionKeyEnv, issuerUrl, serviceEnv } from './common-env';

describe('loadConfig', () => {
  it('parses defaults into a typed object', () => {
    const config = loadConfig(serviceEnv, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.TESSERA_ISSUER).toBe('https://127.0.0.1:8443/');
  });

  it("takes pino's `info` for Nest's `log` (docker-compose's default), and JSON logs by default", () => {
    expect(loadConfig(serviceEnv, { LOG_LEVEL: 'info' }).LOG_LEVEL).toBe('log');
    expect(loadConfig(serviceEnv, {}).TESSERA_LOG_FORMAT).toBe('json');
    expect(() => loadConfig(serviceEnv, { TESSERA_LOG_FORMAT: 'xml' })).toThrow(/TESSERA_LOG_FORMAT/);
  });

  it('names the variable and its value when invalid', () => {
    expect(() => loadConfig(z.object({ PORT: z.coerce.number().int() }), { PORT: 'abc' })).toThrow(
      /PORT="abc": /,
    );
  });

  it('hides the value of secret variables', () => {
    const schema = z.object({ CLIENT_SECRET: z.string().min(40) });
    const message = (() => {
      try {
        loadConfig(schema, { CLIENT_SECRET: 'short-secret' });
      } catch (error) {
        return (error as ConfigError).message;
      }
      return '';
    })();
    expect(message).toContain('CLIENT_SECRET=(hidden)');
    expect(message).not.toContain('short-secret');
  });

  it('never prints the credentials of a URL, whatever the variable is called', () => {
    const schema = z.object({
      DATABASE_URL: z.url({ protocol: /^postgres$/ }),
      REDIS_URL: z.url({ protocol: /^redis$/ }),
      UPSTREAM: z.string().max(3),
    });
    let message = '';
    try {
      loadConfig(schema, {
        DATABASE_URL: 'mysql://tessera:pg-pass-1@db.internal:5432/tessera',
        REDIS_URL: 'redis://:redis-pass-2@cache:notaport',
        UPSTREAM: 'https://a:b@x.example/,https://user:p@ss/word@y.example/',
      });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    expect(message).toContain('DATABASE_URL="mysql://***@db.internal:5432/tessera"');
    expect(message).toContain('REDIS_URL="redis://***@cache:notaport"');
    expect(message).toContain('UPSTREAM="https://***@x.example/,https://***@y.example/"');
    for (const secret of ['pg-pass-1', 'redis-pass-2', 'tessera:', 'p@ss', 'word']) {
      expect(message).not.toContain(secret);
    }
  });

  it('leaves values without userinfo as they are', () => {
    for (const value of ['postgres://127.0.0.1:5432/db', '127.0.0.1:9092,b:9092', 'a@example.test', 'abc']) {
      expect(withoutUserinfo(value)).toBe(value);
    }
  });

  it('reads the trusted proxies: loopback by default, addresses and CIDR ranges, nothing else', () => {
    expect(loadConfig(serviceEnv, {}).TESSERA_TRUSTED_PROXIES).toEqual(['127.0.0.1', '::1']);
    expect(
      loadConfig(serviceEnv, { TESSERA_TRUSTED_PROXIES: ' 172.30.110.10 , 10.0.0.0/8,fd00::/8' })
        .TESSERA_TRUSTED_PROXIES,
    ).toEqual(['172.30.110.10', '10.0.0.0/8', 'fd00::/8']);
    for (const value of ['gateway', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', ',', '1.2.3.4/x']) {
      expect(() => loadConfig(serviceEnv, { TESSERA_TRUSTED_PROXIES: value }), value).toThrow(
        /TESSERA_TRUSTED_PROXIES/,
      );
    }
  });

  it('reads address ranges that may be empty (an allowlist), refusing anything else', () => {
    const schema = z.object({ LIST: addressRanges });
    expect(loadConfig(schema, {}).LIST).toEqual([]);
    expect(loadConfig(schema, { LIST: '127.0.0.1, 10.0.0.0/8,::1' }).LIST).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => loadConfig(schema, { LIST: '10.0.0.0/8,office' })).toThrow(
      'LIST="10.0.0.0/8,office": expected IP addresses or CIDR ranges, comma-separated',
    );
  });

  it('requires the issuer to end with a slash', () => {
    expect(issuerUrl.safeParse('https://127.0.0.1:8443').success).toBe(false);
    expect(issuerUrl.safeParse('https://127.0.0.1:8443/').success).toBe(true);
  });

  it('reads the encryption keyring: the current key, its version, and previous keys for rotation', () => {
    const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
    const config = loadConfig(encryptionKeyEnv, {
      TESSERA_ENCRYPTION_KEY: key(2),
      TESSERA_ENCRYPTION_KEY_VERSION: 'v2',
      TESSERA_PREVIOUS_ENCRYPTION_KEYS: `v1:${key(1)}`,
    });
    expect(config.TESSERA_PREVIOUS_ENCRYPTION_KEYS).toEqual({ v1: key(1) });
    expect(
      loadConfig(encryptionKeyEnv, { TESSERA_ENCRYPTION_KEY: key(1) }).TESSERA_ENCRYPTION_KEY_VERSION,
    ).toBe('v1');
    expect(() =>
      loadConfig(encryptionKeyEnv, {
        TESSERA_ENCRYPTION_KEY: key(1),
        TESSERA_PREVIOUS_ENCRYPTION_KEYS: 'v1:short',
      }),
    ).toThrow(/TESSERA_PREVIOUS_ENCRYPTION_KEYS/);
  });
});
