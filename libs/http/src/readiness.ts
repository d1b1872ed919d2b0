import { Injectable } from '@nestjs/common';

/** A probe's answer: ready or not, and, when not, optionally why (shown in `/health/ready`). */
export type ReadinessAnswer = boolean | { readonly ready: boolean; readonly reason?: string };
export type ReadinessProbe = () => ReadinessAnswer | Promise<ReadinessAnswer>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, boolean>;
  /** Why a check fails, for the checks that say (an event this instance could not apply, say). */
  readonly reasons: Record<string, string>;
}

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

  async check(): Promise<ReadinessReport> {
    const checks: Record<string, boolean> = {};
    const reasons: Record<string, string> = {};
    for (const [name, probe] of this.probes) {
      try {
        const answer = await probe();
        checks[name] = typeof answer === 'boolean' ? answer : answer.ready;
        if (typeof answer !== 'boolean' && !answer.ready && answer.reason) reasons[name] = answer.reason;
      } catch {
        checks[name] = false;
      }
    }
    if (this.draining) checks['not shutting down'] = false;
    return { ready: Object.values(checks).every(Boolean), checks, reasons };
  }
}
