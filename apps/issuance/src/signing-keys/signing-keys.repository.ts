import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { SigningAlg, SigningKeyState } from '@app/contracts';
import { SigningKeyEntity } from './signing-key.entity';

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Keys that belong in the JWKS: next, current and previous (DESIGN §3). */
  findPublished(): Promise<SigningKeyEntity[]> {
    return this.dataSource
      .getRepository(SigningKeyEntity)
      .find({ where: { state: In(['next', 'current', 'previous']) }, order: { createdAt: 'ASC' } });
  }

  /** Every key, revoked ones included, oldest first (the Management API lists them all). */
  findAll(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({ order: { createdAt: 'ASC', kid: 'ASC' } });
  }

  findByKid(kid: string, manager: EntityManager = this.dataSource.manager): Promise<SigningKeyEntity | null> {
    return manager.getRepository(SigningKeyEntity).findOne({ where: { kid } });
  }

  findCurrent(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({ where: { state: 'current' } });
  }

  /** Serialises key changes across instances for the rest of the transaction. */
  async lockForKeyChanges(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['tessera:signing-keys']);
  }

  findByAlg(manager: EntityManager, alg: SigningAlg, states: SigningKeyState[]): Promise<SigningKeyEntity[]> {
    return manager.getRepository(SigningKeyEntity).find({ where: { alg, state: In(states) } });
  }

  async insert(manager: EntityManager, key: SigningKeyEntity): Promise<void> {
    await manager.getRepository(SigningKeyEntity).insert(key);
  }

  /** Writes a key's state and state timestamps. */
  async saveState(manager: EntityManager, key: SigningKeyEntity): Promise<void> {
    await manager.getRepository(SigningKeyEntity).update(
      { kid: key.kid },
      {
        state: key.state,
        currentSince: key.currentSince,
        currentUntil: key.currentUntil,
        revokedAt: key.revokedAt,
      },
    );
  }
}
