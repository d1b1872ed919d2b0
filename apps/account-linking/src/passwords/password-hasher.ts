import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { HashingQueue, type HashingLane } from './hashing-queue';

/**
 * argon2id (DESIGN §8) with the library's defaults, which are OWASP's minimum recommendation:
 * 19 MiB of memory, 2 passes, 1 lane. The parameters travel inside each hash (`$argon2id$v=19$m=…`),
 * so they can be raised later without invalidating stored hashes.
 *
 * Every hash waits its turn in the HashingQueue (docs/adr/0013), which throws HashingQueueFullError
 * when the lane is full; callers answer that with 503 and `Retry-After`.
 */
@Injectable()
export class PasswordHasher {
  /** A hash of a random password, checked when the user is unknown so timing does not reveal that. */
  private readonly decoy: Promise<string> = hash(randomBytes(32).toString('base64url'));

  constructor(private readonly queue: HashingQueue) {}

  /** Hashes a password an administrator sets: the priority lane, as a flood must not stall them. */
  hash(password: string): Promise<string> {
    return this.queue.run('priority', () => hash(password));
  }

  async verify(storedHash: string, password: string, lane: HashingLane): Promise<boolean> {
    return this.queue.run(lane, async () => {
      try {
        return await verify(storedHash, password);
      } catch {
        // An unreadable stored hash never authenticates anyone.
        return false;
      }
    });
  }

  /**
   * Spends the time a real verification takes, and fails. Always the normal lane: an unknown user
   * has no owner whose address could earn priority.
   */
  async verifyDecoy(password: string): Promise<false> {
    await this.verify(await this.decoy, password, 'normal');
    return false;
  }
}
