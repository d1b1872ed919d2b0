import type { KafkaClient } from '@app/kafka';
import { describe, expect, it } from 'vitest';
import { clientDeleted, clientUpdated, type ClientCredentialsSnapshot } from '@app/contracts';
import { ReadinessRegistry } from '@app/http';
import type { TokenStateGate } from '@app/jwt';
import { ClientConfirmations, TemporarilyUnavailableError } from '@app/oauth';
import { InMemoryClientDirectory } from './client-directory';

const digestOf = (name: string) => Buffer.from(name.padEnd(32, '.')).toString('hex').slice(0, 64);
const snapshot = (clientId: string, digest: string): ClientCredentialsSnapshot => ({
  client_id: clientId,
  name: 'n',
  token_endpoint_auth_method: 'client_secret_post',
  secret_digests: [digestOf(digest)],
  revocation_deletes_grant: true,
  public_keys: [],
});

/** Issuance's answers, counted; `down` makes it unreachable. */
class FakeIssuance {
  readonly truth = new Map<string, ClientCredentialsSnapshot>();
  calls = 0;
  down = false;
  async fetch(clientId: string): Promise<ClientCredentialsSnapshot | null> {
    this.calls++;
    await Promise.resolve();
    if (this.down) throw new TemporarilyUnavailableError('down');
    return this.truth.get(clientId) ?? null;
  }
}

class Directory extends InMemoryClientDirectory {
  apply(event: Parameters<InMemoryClientDirectory['handle']>[0]) {
    return this.handle(event);
  }
}

function directoryWith(issuance: FakeIssuance): Directory {
  const gate = { register: () => undefined } as unknown as TokenStateGate;
  return new Directory({} as KafkaClient, new ReadinessRegistry(), gate, new ClientConfirmations(issuance));
}
const announce = (directory: Directory, client: ClientCredentialsSnapshot) =>
  directory.apply(clientUpdated.create(client, { correlationId: 't' }));

describe('InMemoryClientDirectory (issue #20 §4: clients are confirmed with issuance)', () => {
  it('asks issuance once per announcement, however many requests wait, and then answers from memory', async () => {
    const issuance = new FakeIssuance();
    issuance.truth.set('c1', snapshot('c1', 'd1'));
    const directory = directoryWith(issuance);
    await announce(directory, snapshot('c1', 'd1'));
    const answers = await Promise.all([directory.findClient('c1'), directory.findClient('c1')]);
    expect(answers).toEqual([snapshot('c1', 'd1'), snapshot('c1', 'd1')]);
    await directory.findClient('c1');
    expect(issuance.calls).toBe(1);
    // A new announcement (a rotated secret) is confirmed again.
    issuance.truth.set('c1', snapshot('c1', 'd2'));
    await announce(directory, snapshot('c1', 'd2'));
    expect(await directory.findClient('c1')).toEqual(snapshot('c1', 'd2'));
    expect(issuance.calls).toBe(2);
  });

  it('refuses a client forged on the topic, and uses issuance’s credentials over altered ones', async () => {
    const issuance = new FakeIssuance();
    issuance.truth.set('real', snapshot('real', 'genuine'));
    const directory = directoryWith(issuance);
    await announce(directory, snapshot('forged', 'attacker'));
    await announce(directory, snapshot('real', 'attacker'));
    expect(await directory.findClient('forged')).toBeNull();
    expect(await directory.findClient('real')).toEqual(snapshot('real', 'genuine'));
  });

  it('never asks issuance about a client the topic does not announce, and forgets a deleted one at once', async () => {
    const issuance = new FakeIssuance();
    issuance.truth.set('c1', snapshot('c1', 'd1'));
    const directory = directoryWith(issuance);
    expect(await directory.findClient('unknown')).toBeNull();
    await announce(directory, snapshot('c1', 'd1'));
    expect(await directory.findClient('c1')).not.toBeNull();
    await directory.apply(clientDeleted.create({ client_id: 'c1' }, { correlationId: 't' }));
    expect(await directory.findClient('c1')).toBeNull();
    expect(issuance.calls).toBe(1);
  });

  it('fails closed while issuance cannot answer, and asks again on the next request', async () => {
    const issuance = new FakeIssuance();
    issuance.truth.set('c1', snapshot('c1', 'd1'));
    issuance.down = true;
    const directory = directoryWith(issuance);
    await announce(directory, snapshot('c1', 'd1'));
    await expect(directory.findClient('c1')).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    issuance.down = false;
    expect(await directory.findClient('c1')).toEqual(snapshot('c1', 'd1'));
  });
});
