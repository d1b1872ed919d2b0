import { describe, expect, it } from 'vitest';
import type { ClientCredentialsSnapshot } from '@app/contracts';
import { sha256Hex } from '@app/secrets';
import { ClientAuthenticator } from './client-authentication';
import { InvalidClientError, InvalidRequestError } from './oauth-errors';
import { OAuthParams } from './oauth-params';

const secret = 'a-very-long-random-secret-value-of-enough-entropy';
const clients: Record<string, ClientCredentialsSnapshot> = {
  confidential: {
    client_id: 'confidential',
    name: 'c',
    token_endpoint_auth_method: 'client_secret_post',
    secret_digests: [sha256Hex(secret)],
    revocation_deletes_grant: true,
    public_keys: [],
  },
  public: {
    client_id: 'public',
    name: 'p',
    token_endpoint_auth_method: 'none',
    secret_digests: [],
    revocation_deletes_grant: true,
    public_keys: [],
  },
};
const authenticator = new ClientAuthenticator({ findClient: (id) => Promise.resolve(clients[id] ?? null) });
const params = (entries: Record<string, string>) => OAuthParams.fromEntries(Object.entries(entries));
const basic = (id: string, s: string) => `Basic ${Buffer.from(`${id}:${s}`).toString('base64')}`;

describe('ClientAuthenticator', () => {
  it('accepts the secret in the body or as HTTP Basic', async () => {
    await expect(
      authenticator.authenticate(undefined, params({ client_id: 'confidential', client_secret: secret })),
    ).resolves.toMatchObject({
      method: 'client_secret_post',
    });
    await expect(
      authenticator.authenticate(basic('confidential', secret), params({})),
    ).resolves.toMatchObject({
      method: 'client_secret_basic',
    });
  });

  it('decodes form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const special = { ...clients.confidential!, client_id: 'a:b c', secret_digests: [sha256Hex('p%:+')] };
    const auth = new ClientAuthenticator({ findClient: () => Promise.resolve(special) });
    const header = `Basic ${Buffer.from(`${encodeURIComponent('a:b c')}:${encodeURIComponent('p%:+')}`).toString('base64')}`;
    await expect(auth.authenticate(header, params({}))).resolves.toMatchObject({
      client: { client_id: 'a:b c' },
    });
  });

  it('answers invalid_client alike for unknown clients, wrong secrets and malformed headers', async () => {
    const failures = [
      authenticator.authenticate(undefined, params({ client_id: 'nobody', client_secret: secret })),
      authenticator.authenticate(undefined, params({ client_id: 'confidential', client_secret: 'wrong' })),
      authenticator.authenticate(undefined, params({ client_id: 'confidential' })),
      authenticator.authenticate('Basic %%%', params({})),
      authenticator.authenticate(basic('confidential', ''), params({})),
      authenticator.authenticate(basic('other', secret), params({ client_id: 'confidential' })),
      authenticator.authenticate(undefined, params({ client_id: 'public', client_secret: 'anything' })),
    ];
    for (const failure of failures) await expect(failure).rejects.toBeInstanceOf(InvalidClientError);
  });

  it('refuses a Basic id or secret that decodes to a control character without looking it up', async () => {
    const lookups: string[] = [];
    const auth = new ClientAuthenticator({
      findClient: (id) => {
        lookups.push(id);
        return Promise.resolve(clients[id] ?? null);
      },
    });
    for (const header of [basic('%00', secret), basic('confidential', 'a%0Ab'), basic('\u0000', secret)]) {
      await expect(auth.authenticate(header, params({}))).rejects.toBeInstanceOf(InvalidClientError);
    }
    expect(lookups).toEqual([]);
  });

  it('lets a public client identify itself by id alone', async () => {
    await expect(
      authenticator.authenticate(undefined, params({ client_id: 'public' })),
    ).resolves.toMatchObject({ method: 'none' });
  });

  it('refuses two authentication methods in one request (RFC 6749 §2.3)', async () => {
    await expect(
      authenticator.authenticate(basic('confidential', secret), params({ client_secret: secret })),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('asks for client_id when there are no credentials at all', async () => {
    await expect(authenticator.authenticate(undefined, params({}))).rejects.toThrow(
      'Missing required parameter: client_id',
    );
  });
});
