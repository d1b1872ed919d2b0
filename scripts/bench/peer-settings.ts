/** The client and API the node-oidc-provider peer is configured with (oidc-provider-app.ts). */
export const PEER_CLIENT = { clientId: 'bench-peer', clientSecret: 'bench-peer-secret-0123456789abcdef' };
export const PEER_API = 'https://api.bench.example/';
export const PEER_SCOPE = 'read:things';
