import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clientCreated, clientUpdated, TOPICS, type ClientCredentialsSnapshot } from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { sha256Hex } from '@app/secrets';
import { eventually, post, type RunningService, testKafka } from '@app/testing';
import { extraInstancePort, startExtraIntrospection } from './support/extra-introspection';
import { management, managementToken } from './support/management-api';

/**
 * Issue #20 §4: introspection and revocation authenticate their callers with the clients `tessera.clients.v1`
 * announces, and a writer of that topic (here the admin, a super user: as if the broker's ACLs were
 * relaxed) announces a client of their own, and rewrites a real client's secret digest to theirs.
 * Neither authenticates: introspection and revocation confirm each announced client with issuance's
 * internal API and use issuance's credentials. The instance started here replays the topic before it is ready,
 * so it has certainly seen both forged events when it answers.
 */
describe('a forged client event is not trusted', () => {
  const stack = inject('stack');
  const publisher = new EventPublisher(testKafka('e2e-forged-clients', stack.brokers));
  let introspection: RunningService | undefined;

  afterAll(async () => {
    await introspection?.stop();
    await publisher.disconnect();
  });

  const snapshot = (clientId: string, secret: string): ClientCredentialsSnapshot => ({
    client_id: clientId,
    name: 'forged',
    token_endpoint_auth_method: 'client_secret_post',
    secret_digests: [sha256Hex(secret)],
    revocation_deletes_grant: true,
    public_keys: [],
  });
  const publish = (event: ReturnType<typeof clientCreated.create | typeof clientUpdated.create>) =>
    publisher.publish([
      { topic: TOPICS.clients.name, key: event.payload.client_id, value: JSON.stringify(event) },
    ]);

  it('refuses a client announced on the topic alone, and a secret rewritten on it; the real secret still works', async () => {
    const token = await managementToken(stack);
    const created = await management(stack, token, 'POST', '/clients', {
      name: `e2e forged-clients ${randomBytes(4).toString('hex')}`,
      app_type: 'non_interactive',
    });
    expect(created.status, created.text).toBe(201);
    const real = {
      client_id: created.json.client_id as string,
      client_secret: created.json.client_secret as string,
    };

    const attackerSecret = randomBytes(32).toString('base64url');
    const forgedId = `forged-${randomBytes(8).toString('hex')}`;
    const context = { correlationId: `e2e-forged-clients-${forgedId}` };
    await publish(clientCreated.create(snapshot(forgedId, attackerSecret), context));
    await publish(clientUpdated.create(snapshot(real.client_id, attackerSecret), context));

    introspection = await startExtraIntrospection(stack, { name: 'client-trust', port: 'clientTrust' });
    const url = `http://127.0.0.1:${extraInstancePort(stack, 'clientTrust')}/oauth/introspect`;
    const issued = await post(`${stack.urls.issuance}/oauth/token`, {
      grant_type: 'client_credentials',
      audience: stack.api.identifier,
      client_id: stack.client.clientId,
      client_secret: stack.client.clientSecret,
    });
    expect(issued.status).toBe(200);
    const accessToken = issued.json.access_token as string;

    // On main: both answered 200, the forged client being an introspection caller like any other.
    const forged = await post(url, {
      token: accessToken,
      client_id: forgedId,
      client_secret: attackerSecret,
    });
    expect(forged.status, forged.text).toBe(401);
    expect(forged.json.error).toBe('invalid_client');
    const rewritten = await post(url, {
      token: accessToken,
      client_id: real.client_id,
      client_secret: attackerSecret,
    });
    expect(rewritten.status, rewritten.text).toBe(401);
    // Issuance's credentials are the ones that count: the real secret authenticates.
    const genuine = await post(url, { token: accessToken, ...real });
    expect(genuine.status, genuine.text).toBe(200);
    expect(genuine.json.active).toBe(true);

    // Revocation's /oauth/revoke: its projection (PostgreSQL) holds both forged events...
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const projected = async (clientId: string) =>
        (
          await db.query<{ snapshot: ClientCredentialsSnapshot }>(
            'SELECT snapshot FROM revocation.clients WHERE client_id = $1',
            [clientId],
          )
        ).rows[0]?.snapshot;
      const attackerDigest = sha256Hex(attackerSecret);
      expect(
        await eventually(
          async () =>
            (await projected(forgedId))?.secret_digests[0] === attackerDigest &&
            (await projected(real.client_id))?.secret_digests[0] === attackerDigest,
          20_000,
          100,
        ),
      ).toBe(true);
    } finally {
      await db.end();
    }
    // ...and still neither authenticates there; the real secret does.
    const revoke = (client: { client_id: string; client_secret: string }) =>
      post(`${stack.urls.revocation}/oauth/revoke`, { token: accessToken, ...client });
    const forgedRevoke = await revoke({ client_id: forgedId, client_secret: attackerSecret });
    expect(forgedRevoke.status, forgedRevoke.text).toBe(401);
    expect(forgedRevoke.json.error).toBe('invalid_client');
    const rewrittenRevoke = await revoke({ client_id: real.client_id, client_secret: attackerSecret });
    expect(rewrittenRevoke.status, rewrittenRevoke.text).toBe(401);
    const genuineRevoke = await revoke(real);
    expect(genuineRevoke.status, genuineRevoke.text).toBe(200);
  });
});
