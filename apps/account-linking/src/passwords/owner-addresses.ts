import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';

/** How often the addresses of other instances' recent logins are read. */
const REFRESH_MS = 5_000;
/** How often the set is rebuilt from scratch, dropping addresses no user has as last_ip any more. */
const REBUILD_MS = 60 * 60_000;
/**
 * Re-read logins this far before the newest one seen: instances' clocks differ, and a login's update
 * may commit after a later one's.
 */
const OVERLAP_MS = 60_000;

/**
 * The addresses that are some user's `last_ip`, kept in memory so that, while the normal hashing lane
 * is full, an attempt from any other address is refused before it costs a database lookup
 * (docs/adr/0013): a flood from thousands of addresses then costs account-linking a parse and a 503,
 * and the lookups are left for attempts that may be an owner's. The set only ever says "maybe": the
 * lane itself is decided by the user's own `last_ip`, read with the user. Read in full at start and
 * every hour, and incrementally every few seconds (other instances' logins); this instance's own
 * successful logins are added at once.
 */
@Injectable()
export class OwnerAddresses implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OwnerAddresses.name);
  private addresses = new Set<string>();
  private newest: Date | null = null;
  private rebuiltAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly users: UsersRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshOnce();
    this.timer = setInterval(() => void this.refreshOnce(), REFRESH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
  }

  /** Whether `ip` is, or lately was, the last address some user logged in from. */
  has(ip: string): boolean {
    return this.addresses.has(ip);
  }

  /** A successful login on this instance: its address counts at once, not at the next read. */
  add(ip: string): void {
    this.addresses.add(ip);
  }

  /** One read; a read still running (a slow database) is not started twice. */
  refreshOnce(): Promise<void> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<void> {
    const rebuild = Date.now() - this.rebuiltAt >= REBUILD_MS;
    const since = rebuild || !this.newest ? null : new Date(this.newest.getTime() - OVERLAP_MS);
    try {
      const { ips, newest } = await this.users.lastIps(since);
      if (since === null) {
        this.addresses = new Set(ips);
        this.rebuiltAt = Date.now();
      } else {
        for (const ip of ips) this.addresses.add(ip);
      }
      if (newest && (!this.newest || newest > this.newest)) this.newest = newest;
    } catch (error) {
      // Until the next read works, the addresses known stay; an owner missing from them only waits
      // for the lookup again once the normal lane has room.
      this.logger.warn(`reading the owners' addresses failed: ${(error as Error).message}`);
    }
  }
}
