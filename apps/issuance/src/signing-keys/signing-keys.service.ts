import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { CryptoKey } from 'jose';
import type { PublicJwk, SigningAlg } from '@app/contracts';
import { deriveIntrospectionResponseKey } from '@app/jwt';
import type { OutboxEvent } from '@app/outbox';
import { Outbox } from '@app/outbox';
import { ISSUANCE_CONFIG, type IssuanceConfig } from '../config/issuance.config';
import { SigningKeyFactory } from './signing-key.factory';
import type { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

export interface ActiveSigner {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly key: CryptoKey;
}

/** Algorithms we keep keys for: RS256 (Auth0's default, and what its SDKs verify ID tokens with) and ES256. */
export const SUPPORTED_ALGS: readonly SigningAlg[] = ['RS256', 'ES256'];

/** How long an instance signs with the current key it loaded before looking again (after a rotation elsewhere). */
const SIGNER_REFRESH_MS = 10_000;

/**
 * Owns the signing keys: makes sure each algorithm has a current and a next key, hands the current
 * private key to token minting, and publishes next + current + previous public keys as the JWKS.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private signers = new Map<SigningAlg, ActiveSigner>();
  private signersLoadedAt = 0;
  private reloading: Promise<void> | null = null;
  /** The public half of the key introspection signs RFC 9701 answers with (derived, never stored). */
  private readonly introspectionResponseJwk: PublicJwk;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly outbox: Outbox,
    private readonly factory: SigningKeyFactory,
    @Inject(ISSUANCE_CONFIG) config: IssuanceConfig,
  ) {
    this.introspectionResponseJwk = deriveIntrospectionResponseKey(config.TESSERA_ENCRYPTION_KEY).publicJwk;
  }

  async onModuleInit(): Promise<void> {
    await this.ensureKeys();
    await this.reloadSigners();
  }

  /** The key that signs tokens of `alg` now. */
  async signer(alg: SigningAlg): Promise<ActiveSigner> {
    if (Date.now() - this.signersLoadedAt > SIGNER_REFRESH_MS) {
      this.reloading ??= this.reloadSigners().finally(() => (this.reloading = null));
      // Keep signing with the loaded key while a refresh runs; it stays valid as `previous`.
      if (!this.signers.has(alg)) await this.reloading;
    }
    const signer = this.signers.get(alg);
    if (!signer) throw new Error(`no current signing key for ${alg}`);
    return signer;
  }

  /**
   * Loads the current keys now (after a rotation on this instance). A reload that started before the
   * rotation committed could finish after it with the old key, so wait for it and load again.
   */
  async refreshSigners(): Promise<void> {
    await this.reloading?.catch(() => undefined);
    await this.reloadSigners();
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const keys = await this.repository.findPublished();
    // RFC 9701 §6: callers verify signed introspection answers against the issuer's JWKS. That key's
    // kid marks it as signing introspection answers only; validators never accept it for tokens.
    return { keys: [...keys.map((key) => key.publicJwk), this.introspectionResponseJwk] };
  }

  /** Creates the missing current/next keys of each algorithm (first start, or a new algorithm). */
  private async ensureKeys(): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      await this.repository.lockForKeyChanges(manager);
      const events: OutboxEvent[] = [];
      for (const alg of SUPPORTED_ALGS) {
        const existing = await this.repository.findByAlg(manager, alg, ['current', 'next']);
        for (const state of ['current', 'next'] as const) {
          if (existing.some((key) => key.state === state)) continue;
          const created = await this.factory.create(alg, state, { correlationId: `startup:${alg}` });
          await this.repository.insert(manager, created.key);
          this.logger.log(`created ${state} ${alg} signing key ${created.key.kid}`);
          events.push(created.event);
        }
      }
      return { result: undefined, events };
    });
  }

  private async reloadSigners(): Promise<void> {
    const current = await this.repository.findCurrent();
    const signers = new Map<SigningAlg, ActiveSigner>();
    for (const key of current)
      signers.set(
        key.alg,
        this.signers.get(key.alg)?.kid === key.kid ? this.signers.get(key.alg)! : await this.toSigner(key),
      );
    this.signers = signers;
    this.signersLoadedAt = Date.now();
  }

  private async toSigner(key: SigningKeyEntity): Promise<ActiveSigner> {
    return { kid: key.kid, alg: key.alg, key: await this.factory.privateKey(key) };
  }
}
