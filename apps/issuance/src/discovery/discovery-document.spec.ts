import { describe, expect, it } from 'vitest';
import { discoveryDocument } from './discovery-document';

describe('discoveryDocument', () => {
  it('hangs every endpoint off the issuer, which keeps its trailing slash', () => {
    const document = discoveryDocument('https://127.0.0.1:8443/', ['RS256', 'ES256']);
    expect(document).toMatchObject({
      issuer: 'https://127.0.0.1:8443/',
      token_endpoint: 'https://127.0.0.1:8443/oauth/token',
      jwks_uri: 'https://127.0.0.1:8443/.well-known/jwks.json',
      introspection_endpoint: 'https://127.0.0.1:8443/oauth/introspect',
      revocation_endpoint: 'https://127.0.0.1:8443/oauth/revoke',
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      introspection_signing_alg_values_supported: ['ES256'],
    });
  });

  it('follows a public URL with a path prefix (a deployment behind a shared domain)', () => {
    const document = discoveryDocument('https://login.example.com/tenant-a/', ['RS256']);
    expect(document.issuer).toBe('https://login.example.com/tenant-a/');
    expect(document.token_endpoint).toBe('https://login.example.com/tenant-a/oauth/token');
    expect(document.jwks_uri).toBe('https://login.example.com/tenant-a/.well-known/jwks.json');
  });

  it('announces only what is implemented', () => {
    const document = discoveryDocument('https://127.0.0.1:8443/', ['RS256']);
    expect(document.authorization_endpoint).toBe('https://127.0.0.1:8443/authorize');
    expect(document.userinfo_endpoint).toBe('https://127.0.0.1:8443/userinfo');
    // The code flow only, with PKCE S256: no implicit, no `plain`.
    expect(document.response_types_supported).toEqual(['code']);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
    expect(document.grant_types_supported).not.toContain('implicit');
    expect(document.grant_types_supported).toContain('refresh_token');
  });
});
