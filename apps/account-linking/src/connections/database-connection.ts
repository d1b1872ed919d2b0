import { PASSWORD_POLICY } from '../passwords/password-policy';

/** Auth0's default database connection: the only one, where users with passwords live. */
export const DATABASE_CONNECTION_NAME = 'Username-Password-Authentication';

/** The database connection's options as Auth0 shows them; the policy is PASSWORD_POLICY. */
export const DATABASE_CONNECTION_OPTIONS = {
  passwordPolicy: PASSWORD_POLICY.name,
  password_complexity_options: { min_length: PASSWORD_POLICY.minLength },
  requires_username: false,
} as const;

/** The provider half of database user ids: `auth0|<id>`. */
export const DATABASE_PROVIDER = 'auth0';
