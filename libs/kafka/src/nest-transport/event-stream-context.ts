import { BaseRpcContext } from '@nestjs/microservices';
import type { EventMeta } from '../event-stream-consumer';

/** Where a Tessera event handled by EventStreamTransport was read (`@Ctx()`). */
export class EventStreamContext extends BaseRpcContext<[EventMeta, string]> {
  /** The topic the record was read from. */
  getTopic(): string {
    return this.args[0].topic;
  }

  getPartition(): number {
    return this.args[0].partition;
  }

  getOffset(): string {
    return this.args[0].offset;
  }

  /** The record's key (a user id, a jti…), as the producer partitioned it. */
  getKey(): string | null {
    return this.args[0].key;
  }

  /** The name of the subscription (consumer) that read it. */
  getSubscription(): string {
    return this.args[1];
  }
}
