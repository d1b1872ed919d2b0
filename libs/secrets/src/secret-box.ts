import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The GCM tag we write (getAuthTag's default) and the only length we accept on reading. */
const AUTH_TAG_LENGTH = 16;

/**
 * Encrypts small secrets at rest (private signing keys, identity-provider tokens) with AES-256-GCM.
 * The output names its key version (`v1.<iv>.<tag>.<ciphertext>`, base64url parts) so a later key can be
 * added while old values still decrypt. `aad` binds a ciphertext to its row (e.g. the kid), so an
 * encrypted value copied onto another row does not decrypt.
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: Readonly<Record<string, Buffer>>,
    private readonly currentVersion: string,
  ) {
    for (const [version, key] of Object.entries(keys)) {
      if (key.length !== 32) throw new Error(`encryption key ${version} must be 32 bytes`);
      if (!/^v\d+$/.test(version)) throw new Error(`encryption key version ${version} must look like v1`);
    }
    if (!keys[currentVersion]) throw new Error(`no encryption key ${currentVersion}`);
    this.keys = new Map(Object.entries(keys));
  }

  /** One key, version v1. */
  static fromBase64Key(base64Key: string): SecretBox {
    return new SecretBox({ v1: Buffer.from(base64Key, 'base64') }, 'v1');
  }

  /**
   * The deployment's keyring (libs/config `encryptionKeyEnv`): the current key seals, under its
   * version; previous keys only open what they sealed before a rotation.
   */
  static fromKeyring(keyring: {
    readonly TESSERA_ENCRYPTION_KEY: string;
    readonly TESSERA_ENCRYPTION_KEY_VERSION: string;
    readonly TESSERA_PREVIOUS_ENCRYPTION_KEYS: Readonly<Record<string, string>>;
  }): SecretBox {
    const keys: Record<string, Buffer> = {};
    for (const [version, key] of Object.entries(keyring.TESSERA_PREVIOUS_ENCRYPTION_KEYS)) {
      keys[version] = Buffer.from(key, 'base64');
    }
    keys[keyring.TESSERA_ENCRYPTION_KEY_VERSION] = Buffer.from(keyring.TESSERA_ENCRYPTION_KEY, 'base64');
    return new SecretBox(keys, keyring.TESSERA_ENCRYPTION_KEY_VERSION);
  }

  encrypt(plaintext: string, aad: string): string {
    const key = this.keys.get(this.currentVersion)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: AUTH_TAG_LENGTH });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [this.currentVersion, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string, aad: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const key = version === undefined ? undefined : this.keys.get(version);
    if (!key || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new Error('unreadable encrypted value (unknown key version or format)');
    }
    const authTag = Buffer.from(tag, 'base64url');
    // GCM verifies a truncated tag against a prefix of the real one, so a 4-byte tag is forged in
    // ~2^32 tries (NIST SP 800-38D §5.2.1.2, Appendix C). We only ever write 16 bytes: accept nothing less.
    if (authTag.length !== AUTH_TAG_LENGTH) {
      throw new Error('unreadable encrypted value (authentication tag is not 16 bytes)');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
      authTagLength: AUTH_TAG_LENGTH,
    });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
