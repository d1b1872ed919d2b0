import {
  DEFAULT_OUTBOUND_LIMITS,
  GuardedHttpClient,
  OutboundRequestError,
  type OutboundHttpLimits,
  type OutboundNetworkPolicy,
  type OutboundRequest,
  type OutboundResponse,
  type ResolveAll,
} from '@app/http';
import { UpstreamError } from './upstream-provider';

/**
 * HTTP(S) to upstream OpenID Providers under the network policy (security review #6): the guarded
 * client of libs/http, with its failures told as an upstream provider's (a message safe to show).
 */
export class UpstreamHttpClient {
  private readonly http: GuardedHttpClient;

  constructor(
    policy: OutboundNetworkPolicy,
    limits: OutboundHttpLimits = DEFAULT_OUTBOUND_LIMITS,
    resolveAll?: ResolveAll,
  ) {
    this.http = new GuardedHttpClient(policy, limits, resolveAll);
  }

  async request(url: string, init: OutboundRequest = {}): Promise<OutboundResponse> {
    try {
      return await this.http.request(url, init);
    } catch (error) {
      if (!(error instanceof OutboundRequestError)) throw error;
      throw new UpstreamError(
        error.kind === 'too_large'
          ? 'The identity provider’s answer is too large'
          : 'The identity provider could not be reached',
        error.detail,
      );
    }
  }
}
