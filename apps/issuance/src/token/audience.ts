import type { OAuthParams } from '@app/oauth';
import { AccessDeniedError, printable } from '@app/oauth';
import type { ConfigurationLookup } from '../lookup/configuration-lookup';
import type { ResourceServerEntity } from '../resource-servers/resource-server.entity';

/**
 * The API a user's token is for: `audience` (or RFC 8707 `resource`); none means an opaque token
 * good only at `/userinfo`. An unknown audience is Auth0's 403 "Service not found".
 */
export async function requestedApi(
  params: OAuthParams,
  lookup: ConfigurationLookup,
): Promise<ResourceServerEntity | null> {
  const audience = params.get('audience') ?? params.get('resource');
  if (audience === undefined) return null;
  const api = await lookup.resourceServer(audience);
  if (!api) throw new AccessDeniedError(`Service not found: ${printable(audience, 200)}`);
  return api;
}
