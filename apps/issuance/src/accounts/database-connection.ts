/**
 * Auth0's database connection (account-linking supports exactly this one): the hosted login page and
 * the password grant without a `realm` check passwords against it; any other connection is upstream.
 */
export const DATABASE_CONNECTION = 'Username-Password-Authentication';
