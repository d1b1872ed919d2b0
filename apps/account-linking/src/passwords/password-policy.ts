/**
 * The database connection's password policy: Auth0's "fair" policy. A password has 8 to 128
 * characters and at least three of the four classes lower case, upper case, digits and other
 * characters. The upper bound keeps argon2id hashing of hostile input cheap; Auth0 caps at 72 bytes
 * because of bcrypt, argon2id has no such limit.
 */
export const PASSWORD_POLICY = { name: 'fair', minLength: 8, maxLength: 128, minClasses: 3 } as const;

const CLASSES: readonly RegExp[] = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

/** True when `password` satisfies the policy. Length counts code points, not UTF-16 units. */
export function isStrongEnough(password: string): boolean {
  const length = [...password].length;
  if (length < PASSWORD_POLICY.minLength || length > PASSWORD_POLICY.maxLength) return false;
  return CLASSES.filter((pattern) => pattern.test(password)).length >= PASSWORD_POLICY.minClasses;
}
