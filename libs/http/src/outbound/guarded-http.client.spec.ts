import { describe, expect, it } from 'vitest';
import { GuardedHttpClient, OutboundRequestError } from './guarded-http.client';
import { OutboundNetworkPolicy } from './outbound-network-policy';

/** The error of a request the policy refuses before any socket is opened. */
async function refusal(url: string): Promise<OutboundRequestError> {
  const error: unknown = await new GuardedHttpClient(new OutboundNetworkPolicy(false)).request(url).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error as OutboundRequestError;
}

describe('GuardedHttpClient refusals', () => {
  it('name the origin alone: never the user name, password, path or query of the URL', async () => {
    for (const url of [
      'https://rp-user:rp-password@rp.example.test/logout?key=query-secret',
      'http://rp.example.test/path-secret/logout?key=query-secret',
      'https://10.0.0.7/path-secret?key=query-secret',
    ]) {
      const { detail, message } = await refusal(url);
      for (const secret of ['rp-user', 'rp-password', 'path-secret', 'query-secret']) {
        expect(detail, url).not.toContain(secret);
        expect(message, url).not.toContain(secret);
      }
      expect(detail).toMatch(/^https?:\/\/(rp\.example\.test|10\.0\.0\.7) must /);
    }
    expect((await refusal('not a url ?key=query-secret')).detail).toBe(
      'a URL that does not parse must be an absolute URL',
    );
  });
});
