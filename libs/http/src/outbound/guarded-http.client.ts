import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ipLiteral, type OutboundNetworkPolicy } from './outbound-network-policy';

export interface OutboundRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface OutboundResponse {
  readonly status: number;
  readonly body: Buffer;
}

export interface OutboundHttpLimits {
  /** The whole exchange, connect to last byte. */
  readonly timeoutMs: number;
  /** Discovery documents, JWKS, token and userinfo answers are a few KiB; anything past this is refused. */
  readonly maxBodyBytes: number;
}

/** Every address a name resolves to (dns.lookup, as node:net itself would resolve it). */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

const resolveWithDns: ResolveAll = (hostname) => dnsLookup(hostname, { all: true });

export const DEFAULT_OUTBOUND_LIMITS: OutboundHttpLimits = { timeoutMs: 5000, maxBodyBytes: 1024 * 1024 };

/**
 * A request that did not get an answer: refused by the network policy, unreachable, timed out, or
 * answered with a body past the limit. `detail` (host, address, reason) is for logs only: what is
 * shown to a person must not make the service a port scanner.
 */
export class OutboundRequestError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'too_large',
    readonly detail: string,
  ) {
    super(detail);
  }
}

class ForbiddenAddressError extends Error {}
class BodyTooLargeError extends Error {}

/**
 * HTTP(S) to hosts a user or an admin named (upstream OpenID Providers, back-channel logout
 * receivers) under the network policy (security review #6). node:http(s) rather
 * than fetch, because its `lookup` option is the one place where a name is resolved for a socket:
 * the resolved addresses are checked there and the socket connects to exactly those, so a name that
 * answers a public address to a check and 169.254.169.254 to the connect (DNS rebinding) gets
 * nowhere. Literal IP hosts skip `lookup` in node:net, so they are checked before the request.
 * Redirects are never followed (a 3xx is just a failed answer), and bodies are read as a stream and
 * abandoned past `maxBodyBytes`.
 */
export class GuardedHttpClient {
  constructor(
    private readonly policy: OutboundNetworkPolicy,
    private readonly limits: OutboundHttpLimits = DEFAULT_OUTBOUND_LIMITS,
    private readonly resolveAll: ResolveAll = resolveWithDns,
  ) {}

  async request(url: string, init: OutboundRequest = {}): Promise<OutboundResponse> {
    const problem = this.policy.urlProblem(url);
    if (problem !== null) throw new OutboundRequestError('unreachable', `${originOf(url)} ${problem}`);
    const target = new URL(url);
    try {
      return await this.send(target, init);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new OutboundRequestError('too_large', error.message);
      const reason = error instanceof Error ? error.message : String(error);
      throw new OutboundRequestError('unreachable', `${target.origin}: ${reason}`);
    }
  }

  private send(target: URL, init: OutboundRequest): Promise<OutboundResponse> {
    const literal = ipLiteral(target.hostname);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const outgoing = request(target, {
        method: init.method ?? 'GET',
        headers: init.headers,
        // A literal address was checked by urlProblem; a name is checked where it is resolved.
        lookup: literal === null ? this.checkedLookup(target.protocol) : undefined,
        signal: AbortSignal.timeout(this.limits.timeoutMs),
        // No pooling: these calls are rare (a login, a refresh, a logout), and every socket is then opened
        // through the checked lookup above.
        agent: false,
      });
      outgoing.once('error', reject);
      outgoing.once('response', (response) =>
        this.readBody(response, outgoing.destroy.bind(outgoing), resolve, reject),
      );
      outgoing.end(init.body);
    });
  }

  private readBody(
    response: IncomingMessage,
    abort: (error: Error) => void,
    resolve: (response: OutboundResponse) => void,
    reject: (error: unknown) => void,
  ): void {
    const max = this.limits.maxBodyBytes;
    const tooLarge = () => new BodyTooLargeError(`answer larger than ${max} bytes`);
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      abort(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        abort(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.once('error', reject);
    response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
  }

  /** Resolves the name once, refusing it when any address it resolves to is not allowed. */
  private checkedLookup(protocol: string): LookupFunction {
    return (hostname, options, callback) => {
      this.checkedAddresses(hostname, protocol, options.family).then(
        (addresses) => {
          // net.connect with autoSelectFamily (Node 20's default) asks for every address at once.
          if (options.all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }

  private async checkedAddresses(
    hostname: string,
    protocol: string,
    family: number | string | undefined,
  ): Promise<LookupAddress[]> {
    const wanted = family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;
    const addresses = (await this.resolveAll(hostname)).filter(
      (address) => wanted === 0 || address.family === wanted,
    );
    if (addresses.length === 0) throw new ForbiddenAddressError(`${hostname} has no usable address`);
    const refused = addresses.find(({ address }) => !this.policy.allowsAddress(address, protocol));
    if (refused)
      throw new ForbiddenAddressError(`${hostname} resolves to ${refused.address}, which is not allowed`);
    return addresses;
  }
}

/**
 * Where a refused request was going, for its error detail: the origin alone. A detail is logged and
 * may reach the audit stream (a back-channel logout given up), and a URL's user name, password, path
 * or query can hold a secret the client's owner put there.
 */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : 'a URL that does not parse';
}
