import { Injectable } from '@nestjs/common';

export type ReadinessProbe = () => boolean | Promise<boolean>;

/**
 * What `/health/ready` asks. Each module registers the conditions it needs (a connection is up, a
 * topic is replayed); the service is ready only when all of them hold.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();
  private draining = false;

  /** From now on the service is not ready: it is shutting down (SIGTERM) and drains its requests. */
  beginDrain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  async check(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const checks: Record<string, boolean> = {};
    for (const [name, probe] of this.probes) {
      try {
        checks[name] = await probe();
      } catch {
        checks[name] = false;
      }
    }
    if (this.draining) checks['not shutting down'] = false;
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}
