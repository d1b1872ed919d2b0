/**
 * The peer every write-path figure is compared with (issue #18 §5, #19): panva's node-oidc-provider 9
 * configured as the closest equivalent of Tessera's benchmarked endpoints, as its own pinned process.
 * - in-memory adapter (its default): nothing durable, no audit trail, no events;
 * - one ES256 signing key; `client_credentials` with `client_secret_post`;
 * - `resource=<PEER_API>` gives an ES256 JWT access token (resource indicators, RFC 8707), as
 *   Tessera's `audience` does; without a resource the token is opaque;
 * - introspection (RFC 7662) and revocation (RFC 7009) on.
 *
 * `PORT=… node dist/scripts/bench/oidc-provider-app.js`; the client and API below are what the
 * scenarios send (peer-contender.ts).
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { PEER_API, PEER_CLIENT, PEER_SCOPE } from './peer-settings';

interface ProviderLike {
  callback(): (request: unknown, response: unknown) => void;
}

function ownToken(_context: unknown, client: { clientId: string }, token: { clientId?: string }): boolean {
  return token.clientId === client.clientId;
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3998);
  const issuer = `http://127.0.0.1:${port}`;
  // oidc-provider 9 is an ES module; Node 20.19+ loads it with require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: Provider } = require('oidc-provider') as {
    default: new (issuer: string, configuration: Record<string, unknown>) => ProviderLike;
  };
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    // Tessera's API lifetime in the bench (and Auth0's default): a day.
    ttl: { ClientCredentials: 86_400 },
    scopes: [PEER_SCOPE],
    clients: [
      {
        client_id: PEER_CLIENT.clientId,
        client_secret: PEER_CLIENT.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
        scope: PEER_SCOPE,
        // Its default is RS256, which the one ES256 key cannot sign.
        id_token_signed_response_alg: 'ES256',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // As Tessera decides: a client sees and revokes its own tokens only.
      introspection: { enabled: true, allowedPolicy: ownToken },
      revocation: { enabled: true, allowedPolicy: ownToken },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_context: unknown, resource: string) => {
          if (resource !== PEER_API) throw new Error(`unknown resource ${resource}`);
          return { scope: PEER_SCOPE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
  });
  const server = createServer(provider.callback() as Parameters<typeof createServer>[0]);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
