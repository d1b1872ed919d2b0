import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { signingKeyCreated, type EventContext, type SigningAlg, type SigningKeyState } from '@app/contracts';
import type { OutboxEvent } from '@app/outbox';
import { SecretBox } from '@app/secrets';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { generateSigningKey, importPrivateKey } from './key-material';
import type { SigningKeyEntity } from './signing-key.entity';
import { signingKeyEvent } from './signing-key.events';

/** Makes new signing keys (private half encrypted at rest, bound to its kid) and opens stored ones. */
@Injectable()
export class SigningKeyFactory {
  private readonly secretBox: SecretBox;

  constructor(@Inject(ISSUANCE_CONFIG) config: IssuanceConfig) {
    this.secretBox = SecretBox.fromKeyring(config);
  }

  /** A new key row of `alg` in `state`, and its `signing_key.created` event. */
  async create(
    alg: SigningAlg,
    state: Extract<SigningKeyState, 'next' | 'current'>,
    context: EventContext,
  ): Promise<{ key: SigningKeyEntity; event: OutboxEvent }> {
    const generated = await generateSigningKey(alg);
    const now = new Date();
    const key: SigningKeyEntity = {
      kid: generated.kid,
      alg,
      state,
      publicJwk: generated.publicJwk,
      privateJwkEncrypted: this.secretBox.encrypt(JSON.stringify(generated.privateJwk), generated.kid),
      createdAt: now,
      currentSince: state === 'current' ? now : null,
      currentUntil: null,
      revokedAt: null,
    };
    return { key, event: signingKeyEvent(signingKeyCreated, key, context) };
  }

  async privateKey(key: SigningKeyEntity) {
    let sealed: string;
    try {
      sealed = this.secretBox.decrypt(key.privateJwkEncrypted, key.kid);
    } catch {
      // The usual cause: this database's keys were stored under another TESSERA_ENCRYPTION_KEY.
      // Refuse to start rather than sign with a fresh key nobody else trusts; say how to get out.
      throw new Error(
        `cannot decrypt signing key ${key.kid}: TESSERA_ENCRYPTION_KEY is not the key this database's signing keys ` +
          'were stored with. Use that key, or point DATABASE_URL at another database.',
      );
    }
    return importPrivateKey(JSON.parse(sealed) as JWK, key.alg);
  }
}
