/** Auth0's limit on `user_metadata`, applied to `app_metadata` too: 16 KB of JSON each. */
export const METADATA_MAX_BYTES = 16 * 1024;

export type Metadata = Record<string, unknown>;

/**
 * Auth0's PATCH rule for `user_metadata` and `app_metadata`: root properties are merged into the
 * stored object, a property set to `null` is removed, nested objects are replaced (not merged), and
 * an empty object `{}` clears the metadata altogether.
 */
export function mergeMetadata(current: Metadata, change: Metadata): Metadata {
  if (Object.keys(change).length === 0) return {};
  // A Map, then Object.fromEntries: a key such as `__proto__` stays a plain property.
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(change)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

/** Size of metadata as stored: UTF-8 bytes of its JSON. */
export function metadataBytes(metadata: Metadata): number {
  return Buffer.byteLength(JSON.stringify(metadata), 'utf8');
}

/**
 * Keys Auth0 refuses in `app_metadata`: they name attributes of the user itself, and rules and
 * profile claims would confuse one for the other.
 */
export const RESERVED_APP_METADATA_KEYS: ReadonlySet<string> = new Set([
  '__tenant',
  '_id',
  'blocked',
  'clientID',
  'created_at',
  'email_verified',
  'email',
  'globalClientID',
  'global_client_id',
  'identities',
  'lastIP',
  'lastLogin',
  'loginsCount',
  'metadata',
  'multifactor_last_modified',
  'multifactor',
  'updated_at',
  'user_id',
]);
