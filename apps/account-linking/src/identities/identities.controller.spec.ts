import { describe, expect, it } from 'vitest';
import { ManagementError, type ManagementCallerInfo } from '@app/management';
import type { IdentityEntity } from '../users/identity.entity';
import { IdentitiesController } from './identities.controller';
import type { IdentityLinkingService } from './identity-linking.service';
import type { LinkIdentityBody } from './identity.schemas';

const USER = 'auth0|primary';

/** Records what reached the service; the rules under test are the controller's scope rules. */
function controller() {
  const calls: string[] = [];
  const linking = {
    link: (id: string) => {
      calls.push(`link ${id}`);
      return Promise.resolve([] as IdentityEntity[]);
    },
    unlink: (id: string) => {
      calls.push(`unlink ${id}`);
      return Promise.resolve([] as IdentityEntity[]);
    },
  } as unknown as IdentityLinkingService;
  return { calls, controller: new IdentitiesController(linking) };
}

const caller = (sub: string, ...scopes: string[]): ManagementCallerInfo => ({
  sub,
  clientId: 'app',
  scopes: new Set(scopes),
});
const byIdentity: LinkIdentityBody = {
  kind: 'identity',
  provider: 'auth0',
  userId: 'secondary',
  connectionId: undefined,
};
const byIdToken: LinkIdentityBody = { kind: 'id_token', idToken: 'a.b.c' };

async function failure(work: Promise<unknown>): Promise<ManagementError> {
  const error: unknown = await work.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ManagementError);
  return error as ManagementError;
}

describe('IdentitiesController scope rules (Auth0)', () => {
  it('lets update:users act on any user, with either body', async () => {
    const { calls, controller: identities } = controller();
    await identities.link(USER, byIdentity, caller('someone@clients', 'update:users'), 'r1');
    await identities.link(USER, byIdToken, caller('someone@clients', 'update:users'), 'r2');
    await identities.unlink(USER, 'auth0', 'secondary', caller('someone@clients', 'update:users'), 'r3');
    expect(calls).toEqual([`link ${USER}`, `link ${USER}`, `unlink ${USER}`]);
  });

  it('lets update:current_user_identities act only on its own subject, and link only with link_with', async () => {
    const { calls, controller: identities } = controller();
    const own = caller(USER, 'update:current_user_identities');
    await identities.link(USER, byIdToken, own, 'r1');
    await identities.unlink(USER, 'auth0', 'secondary', own, 'r2');
    expect(calls).toEqual([`link ${USER}`, `unlink ${USER}`]);

    const other = caller('auth0|other', 'update:current_user_identities');
    for (const attempt of [
      identities.link(USER, byIdToken, other, 'r3'),
      identities.unlink(USER, 'auth0', 'secondary', other, 'r4'),
    ]) {
      const error = await failure(attempt);
      expect(error.statusCode).toBe(403);
      expect(error.message).toBe('User to be acted on does not match subject in bearer token.');
    }
    const byName = await failure(identities.link(USER, byIdentity, own, 'r5'));
    expect(byName.toBody()).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    expect(calls).toHaveLength(2);
  });
});
