import { Injectable, Logger } from '@nestjs/common';
import { signingKeyRevoked, signingKeyStateChanged, type EventContext } from '@app/contracts';
import { VerificationKeySet } from '@app/jwt';
import { ManagementError, notFound } from '@app/management';
import { Outbox, type OutboxEvent } from '@app/outbox';
import { signingKeyEvent } from './signing-key.events';
import { SigningKeyFactory } from './signing-key.factory';
import type { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService, SUPPORTED_ALGS } from './signing-keys.service';
import { toSigningKeyView, type SigningKeyView } from './signing-key.view';

/** Auth0 is RSA-only: rotate and revoke answer with the RS256 key of the chain (Tessera rotates every alg). */
const REPORTED_ALG = 'RS256';

/**
 * Rotation and revocation of signing keys (DESIGN §3): next → current → previous → revoked. A key is
 * published as `next` before it ever signs, so every validator already trusts it when it becomes
 * current; `previous` stays published (tokens it signed still verify) until it is revoked.
 */
@Injectable()
export class SigningKeyLifecycleService {
  private readonly logger = new Logger(SigningKeyLifecycleService.name);

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly factory: SigningKeyFactory,
    private readonly signingKeys: SigningKeysService,
    private readonly outbox: Outbox,
    private readonly verificationKeys: VerificationKeySet,
  ) {}

  async list(): Promise<SigningKeyView[]> {
    return (await this.repository.findAll()).map(toSigningKeyView);
  }

  async get(kid: string): Promise<SigningKeyView> {
    return toSigningKeyView(await this.find(kid));
  }

  /**
   * Rotates every algorithm's chain in one transaction: current → previous, next → current, and a
   * new next. This instance signs with the new current key as soon as the transaction commits; others
   * follow within their signer refresh, still signing with a key that stays published meanwhile.
   */
  async rotate(context: EventContext): Promise<{ kid: string }> {
    const rotated = await this.outbox.transaction(async (manager) => {
      await this.repository.lockForKeyChanges(manager);
      const now = new Date();
      const events: OutboxEvent[] = [];
      const newCurrent = new Map<string, string>();
      for (const alg of SUPPORTED_ALGS) {
        const chain = await this.repository.findByAlg(manager, alg, ['current', 'next']);
        const current = chain.find((key) => key.state === 'current');
        const next = chain.find((key) => key.state === 'next');
        if (!current || !next) throw new Error(`signing key chain of ${alg} is incomplete`);
        // Demote first: at most one current key per algorithm (unique index).
        const demoted: SigningKeyEntity = { ...current, state: 'previous', currentUntil: now };
        const promoted: SigningKeyEntity = { ...next, state: 'current', currentSince: now };
        await this.repository.saveState(manager, demoted);
        await this.repository.saveState(manager, promoted);
        const created = await this.factory.create(alg, 'next', context);
        await this.repository.insert(manager, created.key);
        events.push(
          signingKeyEvent(signingKeyStateChanged, demoted, context),
          signingKeyEvent(signingKeyStateChanged, promoted, context),
          created.event,
        );
        newCurrent.set(alg, promoted.kid);
        this.logger.log(
          `rotated ${alg}: ${current.kid} → previous, ${next.kid} → current, new next ${created.key.kid}`,
        );
      }
      return { result: newCurrent.get(REPORTED_ALG)!, events };
    });
    await this.signingKeys.refreshSigners();
    return { kid: rotated };
  }

  /** Revokes a previous key: it leaves the JWKS and every validator drops it (signing_key.revoked). */
  async revoke(kid: string, context: EventContext): Promise<{ kid: string }> {
    const revoked = await this.outbox.transaction(async (manager) => {
      await this.repository.lockForKeyChanges(manager);
      const key = await this.find(kid, manager);
      if (key.state !== 'previous') {
        throw new ManagementError(
          400,
          `Only the previous signing key can be revoked; key ${key.kid} is ${key.state}`,
          'invalid_signing_key_state',
        );
      }
      const revoked: SigningKeyEntity = { ...key, state: 'revoked', revokedAt: new Date() };
      await this.repository.saveState(manager, revoked);
      this.logger.log(`revoked signing key ${kid}`);
      return { result: { kid }, events: [signingKeyEvent(signingKeyRevoked, revoked, context)] };
    });
    // This instance's own Management API stops accepting the key's tokens now, not when the event
    // comes back from Kafka.
    this.verificationKeys.revoke(kid);
    return revoked;
  }

  private async find(kid: string, manager?: Parameters<SigningKeysRepository['findByKid']>[1]) {
    const key = kid.length <= 128 ? await this.repository.findByKid(kid, manager) : null;
    if (!key) throw notFound('The signing key does not exist', 'inexistent_signing_key');
    return key;
  }
}
