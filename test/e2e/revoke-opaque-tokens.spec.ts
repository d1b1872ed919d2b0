import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { eventually, EventCollector, post, type CollectedMessage } from '@app/testing';
import { IssuanceContract } from './support/issuance-contract';
import { management, managementToken } from './support/management-api';

/**
 * `/oauth/revoke` for refresh tokens and opaque access tokens, and the revocations the audit and
 * account streams call for. Issuance's side of the contract (events on the real topics, records in the
 * real shared Redis store) is played by `IssuanceContract`; the revocation service is the real one.
 */
describe('revoking refresh tokens, opaque access tokens and grants', () => {
  const stack = inject('stack');
  const db = new Client({ connectionString: stack.databaseUrl });
  let issuance: IssuanceContract;
  let revocations: EventCollector;

  beforeAll(async () => {
    await db.connect();
    issuance = await IssuanceContract.connect(stack.brokers);
    revocations = await EventCollector.start(stack.brokers, TOPICS.tokensRevoked.name);
  });

  afterAll(async () => {
    await Promise.all([revocations?.stop(), issuance?.close(), db.end()]);
  });

  const value = (message: CollectedMessage) => message.value as Record<string, any>;
  const onKey = (key: string) => (message: CollectedMessage) => message.key === key;

  function revoke(token: string, client: { clientId: string; clientSecret: string } = stack.client) {
    return post(`${stack.urls.revocation}/oauth/revoke`, {
      token,
      token_type_hint: 'refresh_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
  }

  /** Waits until the registry has projected the grant's refresh token. */
  async function projected(refreshTokenId: string): Promise<void> {
    const known = async () =>
      (await db.query('SELECT 1 FROM revocation.refresh_tokens WHERE id = $1', [refreshTokenId])).rowCount ===
      1;
    expect(await eventually(known, 15_000, 50)).toBe(true);
  }

  it("revokes a refresh token's whole grant: its opaque tokens at once, its JWTs on the revocation stream", async () => {
    const grant = await issuance.startGrant({ clientId: stack.client.clientId });
    await projected(grant.refreshTokenId);

    // Another client's token is left untouched, and still answered 200 (RFC 7009 §2.1).
    const foreign = await revoke(grant.refreshToken.token, stack.otherClient);
    expect(foreign.status).toBe(200);
    expect(foreign.text).toBe('');
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(true);

    const revoked = await revoke(grant.refreshToken.token);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    // Answered only once done: a refresh right after the answer finds no record.
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    expect(await issuance.isStored(grant.opaqueAccessToken.hash)).toBe(false);

    const grantEvent = value(await revocations.waitFor(onKey(`grant:${grant.grantId}`)));
    expect(grantEvent).toMatchObject({
      type: 'grant.revoked',
      payload: {
        target: { kind: 'grant', grant_id: grant.grantId },
        expires_at: grant.issuedAt + 86_400,
        reason: 'client_request',
        revoked_by: { kind: 'client', client_id: stack.client.clientId },
      },
    });
    const jwtEvent = value(await revocations.waitFor(onKey(`jti:${grant.jwtJti}`)));
    expect(jwtEvent).toMatchObject({
      type: 'access_token.revoked',
      correlation_id: grantEvent.correlation_id,
      payload: { target: { kind: 'jti', jti: grant.jwtJti }, expires_at: grant.issuedAt + 600 },
    });
    const rawEvents = revocations.messages.map((m) => m.raw).join('\n');
    expect(rawEvents).not.toContain(grant.refreshToken.token);
    expect(rawEvents).not.toContain(grant.refreshToken.hash);

    // Revoking it again changes nothing and emits nothing more.
    expect((await revoke(grant.refreshToken.token)).status).toBe(200);

    // A JWT of the grant that the audit stream reports after the revocation is revoked on receipt.
    const late = await issuance.reportJwt(grant, stack.client.clientId);
    const lateEvent = value(await revocations.waitFor(onKey(`jti:${late.payload.jti}`)));
    expect(lateEvent).toMatchObject({
      type: 'access_token.revoked',
      causation_id: late.id,
      payload: { reason: 'client_request', revoked_by: { kind: 'client', client_id: stack.client.clientId } },
    });
    expect(revocations.messages.filter(onKey(`grant:${grant.grantId}`))).toHaveLength(1);
    const row = await db.query('SELECT revoked_at FROM revocation.refresh_tokens WHERE id = $1', [
      grant.refreshTokenId,
    ]);
    expect(row.rows[0].revoked_at).toBeInstanceOf(Date);
  });

  it('revokes an opaque access token alone, and leaves the rest of its grant', async () => {
    const grant = await issuance.startGrant({ clientId: stack.client.clientId });
    const revoked = await revoke(grant.opaqueAccessToken.token);
    expect(revoked.status).toBe(200);
    expect(await issuance.isStored(grant.opaqueAccessToken.hash)).toBe(false);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(true);
    expect(value(await revocations.waitFor(onKey(`jti:${grant.opaqueJti}`)))).toMatchObject({
      type: 'access_token.revoked',
      payload: { target: { kind: 'jti', jti: grant.opaqueJti }, reason: 'client_request' },
    });
  });

  it('revokes only the presented refresh token when the client\'s "revocation deletes grant" is off', async () => {
    // A real client (issuance's Management API): revocation confirms every client it projects with
    // issuance before the client authenticates (issue #20 §4), so one announced on the topic alone would not.
    const created = await management(stack, await managementToken(stack), 'POST', '/clients', {
      name: 'e2e revocation keeps the grant',
      app_type: 'non_interactive',
      revoke_refresh_token_grant: false,
    });
    expect(created.status, created.text).toBe(201);
    const client = {
      clientId: created.json.client_id as string,
      clientSecret: created.json.client_secret as string,
    };
    const announced = async () =>
      (await db.query('SELECT 1 FROM revocation.clients WHERE client_id = $1', [client.clientId]))
        .rowCount === 1;
    expect(await eventually(announced, 15_000, 50)).toBe(true);
    const grant = await issuance.startGrant({ clientId: client.clientId });
    await projected(grant.refreshTokenId);

    expect((await revoke(grant.refreshToken.token, client)).status).toBe(200);
    expect(await issuance.isStored(grant.refreshToken.hash)).toBe(false);
    expect(await issuance.isStored(grant.opaqueAccessToken.hash)).toBe(true);
    expect(value(await revocations.waitFor(onKey(`rt:${grant.refreshTokenId}`)))).toMatchObject({
      type: 'refresh_token.revoked',
      payload: {
        target: { kind: 'refresh_token', refresh_token_id: grant.refreshTokenId },
        expires_at: grant.issuedAt + 86_400,
        reason: 'client_request',
      },
    });
    expect(revocations.messages.some(onKey(`grant:${grant.grantId}`))).toBe(false);
  });

  it('a reused refresh token revokes its grant once, however often the event is delivered', async () => {
    const grant = await issuance.startGrant({ clientId: stack.client.clientId });
    await projected(grant.refreshTokenId);
    const reuse = await issuance.reportReuse(grant, stack.client.clientId);
    await issuance.publish(TOPICS.tokensIssued.name, grant.grantId, reuse);

    expect(value(await revocations.waitFor(onKey(`grant:${grant.grantId}`)))).toMatchObject({
      type: 'grant.revoked',
      causation_id: reuse.id,
      correlation_id: reuse.correlation_id,
      payload: { reason: 'refresh_token_reuse', revoked_by: { kind: 'system' } },
    });
    await revocations.waitFor(onKey(`jti:${grant.jwtJti}`));
    expect(await issuance.isStored(grant.opaqueAccessToken.hash)).toBe(false);
    // A marker after the redelivery: once it is through, the redelivery would have been too.
    const marker = await issuance.reportReuse(
      await issuance.startGrant({ clientId: stack.client.clientId }),
      stack.client.clientId,
    );
    await revocations.waitFor((m) => value(m).causation_id === marker.id);
    expect(revocations.messages.filter(onKey(`grant:${grant.grantId}`))).toHaveLength(1);
  });

  it.each([
    ['identity.linked', 'identity_linked'],
    ['user.deleted', 'user_deleted'],
  ] as const)('%s revokes the user: a subject not-before and every grant of theirs', async (type, reason) => {
    const grant = await issuance.startGrant({ clientId: stack.client.clientId });
    await projected(grant.refreshTokenId);
    const event =
      type === 'identity.linked'
        ? await issuance.reportLinked(`auth0|primary-${grant.grantId}`, grant.userId)
        : await issuance.reportDeleted(grant.userId);

    expect(value(await revocations.waitFor(onKey(`sub:${grant.userId}`)))).toMatchObject({
      type: 'user_tokens.revoked',
      causation_id: event.id,
      payload: {
        target: {
          kind: 'subject',
          sub: grant.userId,
          not_before: Math.floor(Date.parse(event.occurred_at) / 1000),
        },
        expires_at: null,
        reason,
        revoked_by: { kind: 'system' },
      },
    });
    expect(value(await revocations.waitFor(onKey(`session:${grant.sessionId}`)))).toMatchObject({
      type: 'session.revoked',
      causation_id: event.id,
    });
    await revocations.waitFor(onKey(`grant:${grant.grantId}`));
    // Deleted right after the commit that releases the events: within moments of them.
    expect(await eventually(async () => !(await issuance.isStored(grant.refreshToken.hash)), 5_000)).toBe(
      true,
    );
  });

  it('answers bad input with the documented errors, and unknown or hostile tokens with 200', async () => {
    for (const token of [
      '',
      'x'.repeat(20_000),
      'not-a-token',
      'a.b.c',
      '\u0000\uFFFF',
      'eyJhbGciOiJub25lIn0.e30.',
    ]) {
      const response = await revoke(token);
      // A NUL makes the request malformed (issue #14 §6), like an empty token.
      if (token === '' || token.startsWith('\u0000')) {
        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ error: 'invalid_request' });
      } else {
        expect(response.status, token.slice(0, 20)).toBe(200);
      }
    }
    const wrongSecret = await post(`${stack.urls.revocation}/oauth/revoke`, {
      token: 'whatever',
      client_id: stack.client.clientId,
      client_secret: 'wrong',
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json).toMatchObject({ error: 'invalid_client' });
    const broken = await post(`${stack.urls.revocation}/oauth/revoke`, '{"token":', {
      contentType: 'application/json',
    });
    expect(broken.status).toBe(400);
    expect(broken.json).toMatchObject({ error: 'invalid_request' });
  });
});
