import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (DESIGN §8) with the library's defaults, which are OWASP's minimum recommendation:
 * 19 MiB of memory, 2 passes, 1 lane. The parameters travel inside each hash (`$argon2id$v=19$m=…`),
 * so they can be raised later without invalidating stored hashes.
 */
@Injectable()
export class PasswordHasher {
  /** A hash of a random password, checked when the user is unknown so timing does not reveal that. */
  private readonly decoy: Promise<string> = hash(randomBytes(32).toString('base64url'));

  hash(password: string): Promise<string> {
    return hash(password);
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, password);
    } catch {
      // An unreadable stored hash never authenticates anyone.
      return false;
    }
  }

  /** Spends the time a real verification takes, and fails. */
  async verifyDecoy(password: string): Promise<false> {
    await this.verify(await this.decoy, password);
    return false;
  }
}
