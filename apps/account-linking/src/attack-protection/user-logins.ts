import type { IdentityEntity } from '../users/identity.entity';
import type { UserEntity } from '../users/user.entity';
import { loginIdentifier } from './attack-protection.service';
import type { LoginName } from './user-blocks.repository';

/**
 * The logins a user's brute-force blocks are under: their email and username in their connection,
 * and those of the database identities linked to them (a password login through a linked identity
 * signs the primary user in).
 */
export function userLogins(user: UserEntity, identities: readonly IdentityEntity[]): LoginName[] {
  const logins: LoginName[] = [];
  const add = (connection: string, identifier: unknown) => {
    if (typeof identifier === 'string' && identifier !== '') {
      logins.push({ connection, identifier: loginIdentifier(identifier) });
    }
  };
  add(user.connection, user.email);
  add(user.connection, user.username);
  for (const identity of identities.filter((entry) => entry.passwordHash !== null)) {
    add(identity.connection, identity.profileData?.email);
    add(identity.connection, identity.profileData?.username);
  }
  return logins;
}
