import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, post } from '@app/testing';

/** Revocation's registry of issued tokens is a projection of the audit stream (Revocation issue, item 2). */
describe('registry of issued tokens', () => {
  const stack = inject('stack');
  const db = new Client({ connectionString: stack.databaseUrl });

  beforeAll(() => db.connect());
  afterAll(() => db.end());

  it('records every issued token by grant, client and subject, without the token', async () => {
    const response = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    const token = response.json.access_token as string;
    const { jti, exp, iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      any
    >;

    const row = async () =>
      (await db.query('SELECT * FROM revocation.issued_tokens WHERE jti = $1', [jti])).rows[0] as
        Record<string, any> | undefined;
    expect(await eventually(async () => (await row()) !== undefined, 15_000, 50)).toBe(true);
    expect(await row()).toEqual({
      jti,
      grant_id: `gr_${jti}`,
      client_id: stack.client.clientId,
      sub: `${stack.client.clientId}@clients`,
      aud: [stack.api.identifier],
      scope: 'read:things write:things',
      grant_type: 'client_credentials',
      format: 'jwt',
      // A client-credentials token has no login session.
      session_id: null,
      // Not made by token exchange from another token (docs/adr/0009).
      source_jti: null,
      issued_at: String(iat),
      expires_at: String(exp),
    });
    const everything = JSON.stringify((await db.query('SELECT * FROM revocation.issued_tokens')).rows);
    expect(everything).not.toContain(token.split('.')[2]);
  });
});
