import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamHttpClient } from '../../apps/account-linking/src/upstream/upstream-http.client';
import { OutboundNetworkPolicy } from '@app/http';
import { UpstreamOidcClient } from '../../apps/account-linking/src/upstream/upstream-oidc.client';
import {
  UpstreamError,
  type UpstreamProvider,
} from '../../apps/account-linking/src/upstream/upstream-provider';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The upstream HTTP client's SSRF guard and body cap (security review #6) against in-process HTTP
 * servers on loopback: which requests reach a server, and what comes back from one that misbehaves.
 */
describe('upstream HTTP: network policy, pinned resolution and body cap', () => {
  let server: Server;
  let port: number;
  let handler: Handler;
  let hits: string[];
  const development = new OutboundNetworkPolicy(true);
  const production = new OutboundNetworkPolicy(false);
  const limits = { timeoutMs: 2000, maxBodyBytes: 64 * 1024 };
  /**
   * A DNS of our own. `upstream.localhost` (http is allowed in development to loopback names only)
   * and `upstream.example.test` do not resolve on this machine, so a request that reaches the server
   * went to the address this resolver gave the checked lookup.
   */
  const resolvingTo =
    (...addresses: string[]) =>
    (): Promise<LookupAddress[]> =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    hits = [];
    handler = (_request, response) => response.end('{"ok":true}');
  });

  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  };

  it('connects to the address the checked lookup resolved, and nowhere else', async () => {
    const client = new UpstreamHttpClient(development, limits, resolvingTo('127.0.0.1'));
    const answer = await client.request(`http://upstream.localhost:${port}/discovery`);
    expect(answer.status).toBe(200);
    expect(hits).toEqual(['/discovery']);
  });

  it('in production, refuses a name that resolves to loopback, private or metadata addresses before connecting', async () => {
    for (const addresses of [
      ['127.0.0.1'],
      ['::ffff:127.0.0.1'],
      ['10.0.0.7'],
      ['169.254.169.254'],
      ['8.8.8.8', '127.0.0.1'],
    ]) {
      const client = new UpstreamHttpClient(production, limits, resolvingTo(...addresses));
      const error = await refusal(client.request(`https://upstream.example.test:${port}/`));
      expect(error.message).toBe('The identity provider could not be reached');
      expect(error.message).not.toContain('127.0.0.1');
      expect(error.detail).toMatch(/not allowed/);
    }
    // Literal addresses never reach the lookup: they are refused from the URL.
    const client = new UpstreamHttpClient(production, limits);
    await refusal(client.request(`https://127.0.0.1:${port}/`));
    await refusal(client.request(`http://127.0.0.1:${port}/`));
    expect(hits).toEqual([]);
  });

  it('in development, still refuses link-local, and http to anything but loopback', async () => {
    await refusal(
      new UpstreamHttpClient(development, limits, resolvingTo('169.254.169.254')).request(
        `https://upstream.example.test:${port}/`,
      ),
    );
    await refusal(
      new UpstreamHttpClient(development, limits, resolvingTo('10.0.0.7')).request(
        `http://upstream.example.test:${port}/`,
      ),
    );
    expect(hits).toEqual([]);
  });

  it('does not follow redirects', async () => {
    handler = (request, response) => {
      if (request.url === '/elsewhere') return response.end('{}');
      response.writeHead(302, { location: '/elsewhere' }).end();
    };
    const answer = await new UpstreamHttpClient(development, limits).request(
      `http://127.0.0.1:${port}/start`,
    );
    expect(answer.status).toBe(302);
    expect(hits).toEqual(['/start']);
  });

  it('caps bodies: a declared length past the cap, and a stream that never ends', async () => {
    const client = new UpstreamHttpClient(development, limits);
    handler = (_request, response) => {
      response.writeHead(200, { 'content-length': String(limits.maxBodyBytes + 1) });
      response.write('x'.repeat(1024));
    };
    const declared = await refusal(client.request(`http://127.0.0.1:${port}/declared`));
    expect(declared.message).toMatch(/too large/);

    let sent = 0;
    handler = (_request, response) => {
      // Chunked, without a length: 1 KiB every tick, forever (until the client hangs up).
      const timer = setInterval(() => {
        sent += 1024;
        response.write('y'.repeat(1024));
      }, 1);
      response.once('close', () => clearInterval(timer));
    };
    const streamed = await refusal(client.request(`http://127.0.0.1:${port}/streamed`));
    expect(streamed.message).toMatch(/too large/);
    // Abandoned soon after the cap, not read to the timeout.
    expect(sent).toBeLessThan(limits.maxBodyBytes * 4);

    handler = (_request, response) =>
      response.end(JSON.stringify({ fits: 'z'.repeat(limits.maxBodyBytes - 20) }));
    expect((await client.request(`http://127.0.0.1:${port}/fits`)).status).toBe(200);
  });

  it('gives up on a provider that does not answer in time', async () => {
    handler = () => undefined;
    const slow = new UpstreamHttpClient(development, { ...limits, timeoutMs: 300 });
    const error = await refusal(slow.request(`http://127.0.0.1:${port}/slow`));
    expect(error.message).toBe('The identity provider could not be reached');
  });

  describe('discovery', () => {
    const providerAt = (path: string): UpstreamProvider => ({
      connection: 'guarded',
      issuer: undefined,
      discoveryUrl: `http://127.0.0.1:${port}${path}`,
      clientId: 'tessera',
      clientSecret: 'secret',
      scopes: 'openid',
    });
    const oidc = () => new UpstreamOidcClient(new UpstreamHttpClient(development, limits), development);

    it('remembers a failure briefly, so repeated logins do not fetch again, and never shows the status', async () => {
      handler = (_request, response) => {
        response.statusCode = 503;
        response.end('{"error":"internal admin console"}');
      };
      const client = oidc();
      const provider = providerAt('/failing');
      const first = await refusal(client.discover(provider));
      expect(first.message).not.toMatch(/503|127\.0\.0\.1|admin/);
      await Promise.all([1, 2, 3].map(() => refusal(client.discover(provider))));
      expect(hits).toEqual(['/failing']);
    });

    it('shares one request among concurrent discoveries', async () => {
      handler = (_request, response) =>
        setTimeout(
          () =>
            response.end(
              JSON.stringify({
                issuer: 'x',
                authorization_endpoint: `http://127.0.0.1:${port}/a`,
                token_endpoint: `http://127.0.0.1:${port}/t`,
                jwks_uri: `http://127.0.0.1:${port}/j`,
              }),
            ),
          50,
        );
      const client = oidc();
      const provider = providerAt('/shared');
      const documents = await Promise.all([1, 2, 3, 4].map(() => client.discover(provider)));
      expect(new Set(documents).size).toBe(1);
      expect(hits).toEqual(['/shared']);
    });

    it('refuses a document whose endpoints point at the metadata service or over http elsewhere', async () => {
      for (const [path, endpoint] of [
        ['/metadata', 'http://169.254.169.254/latest/meta-data/'],
        ['/plain', 'http://login.example.test/token'],
        ['/mapped', 'https://[::ffff:a9fe:a9fe]/token'],
      ] as const) {
        handler = (_request, response) =>
          response.end(
            JSON.stringify({
              issuer: 'x',
              authorization_endpoint: `http://127.0.0.1:${port}/a`,
              token_endpoint: endpoint,
              jwks_uri: `http://127.0.0.1:${port}/j`,
            }),
          );
        const error = await refusal(oidc().discover(providerAt(path)));
        expect(error.message).toMatch(/endpoint that is not allowed/);
      }
    });
  });
});
