import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const DERIVATION_INFO = 'tessera/login-start-binding/HMAC-SHA256/v1';

/** What issuance's redirect to `/login/start` vouches for. */
export interface LoginStartFields {
  /** Issuance's id of the /authorize transaction the browser returns to. */
  readonly transaction: string;
  /** The connection the browser is sent to. */
  readonly connection: string;
  /** The client the /authorize request was for: the connection must be enabled for it (review #13). */
  readonly clientId: string;
  /** When the transaction (and so the link) expires, Unix seconds. */
  readonly expiresAt: number;
}

/**
 * Issuance's signature on a `/login/start` link (security review #17): an HMAC-SHA256 over the
 * transaction id, the connection, the client and the expiry, with a key both issuance and account-linking derive
 * from the deployment's `TESSERA_ENCRYPTION_KEY` (HKDF-SHA256, RFC 5869, under a label of its own,
 * so the derived key reveals nothing about the encryption key and serves nothing else). Account-
 * linking refuses a `/login/start` without a valid, unexpired binding before it writes a row or
 * calls a provider, so only a real `/authorize` can make it do either.
 */
export class LoginStartBinding {
  private constructor(private readonly key: Buffer) {}

  static fromEncryptionKey(encryptionKeyBase64: string): LoginStartBinding {
    return new LoginStartBinding(
      Buffer.from(
        hkdfSync('sha256', Buffer.from(encryptionKeyBase64, 'base64'), 'tessera', DERIVATION_INFO, 32),
      ),
    );
  }

  /** The binding, base64url (43 characters). */
  sign(fields: LoginStartFields): string {
    return this.mac(fields).toString('base64url');
  }

  /** True when issuance made `binding` for exactly these fields and they have not expired. */
  verify(fields: LoginStartFields, binding: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    if (!Number.isSafeInteger(fields.expiresAt) || fields.expiresAt <= nowSeconds) return false;
    const presented = Buffer.from(binding, 'base64url');
    const expected = this.mac(fields);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }

  private mac(fields: LoginStartFields): Buffer {
    // A JSON array: no choice of transaction id or connection name can shift bytes from one field to another.
    const message = JSON.stringify([
      'login-start',
      fields.transaction,
      fields.connection,
      fields.clientId,
      fields.expiresAt,
    ]);
    return createHmac('sha256', this.key).update(message).digest();
  }
}
