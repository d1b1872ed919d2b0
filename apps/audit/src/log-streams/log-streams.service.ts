import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundNetworkPolicy } from '@app/http';
import { invalidBody, ManagementError, notFound } from '@app/management';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import type { CreateLogStreamBody, HttpSink, UpdateLogStreamBody } from './log-stream.schemas';
import { logStreamView } from './log-stream.view';
import { LogStreamsRepository, type LogStreamChanges, type LogStreamRecord } from './log-streams.repository';

/** Streams per tenant: each is a consumer group reading three topics on every audit instance's broker link. */
export const MAX_LOG_STREAMS = 10;
const STREAM_ID = /^lst_[0-9a-f]{16}$/;

/** Auth0's `/api/v2/log-streams`: the streams' settings. Delivery is LogStreamSupervisor's. */
@Injectable()
export class LogStreamsService {
  private readonly endpointPolicy: OutboundNetworkPolicy;

  constructor(
    @Inject(AUDIT_CONFIG) config: AuditConfig,
    private readonly streams: LogStreamsRepository,
  ) {
    this.endpointPolicy = new OutboundNetworkPolicy(config.TESSERA_LOG_STREAM_ALLOW_PRIVATE_NETWORKS);
  }

  async create(body: CreateLogStreamBody) {
    const sink = this.checkedSink({
      httpContentFormat: 'JSONLINES',
      httpContentType: 'application/json',
      httpCustomHeaders: [],
      ...body.sink,
    });
    if ((await this.streams.count()) >= MAX_LOG_STREAMS) {
      throw new ManagementError(
        400,
        `You have reached the maximum number of log streams (${MAX_LOG_STREAMS}).`,
        'too_many_log_streams',
      );
    }
    const stream: Omit<LogStreamRecord, 'version' | 'failingSince' | 'lastError'> = {
      id: `lst_${randomBytes(8).toString('hex')}`,
      name: body.name ?? new URL(sink.httpEndpoint).host,
      type: 'http',
      status: 'active',
      isPriority: body.isPriority ?? false,
      sink,
      filters: body.filters ?? [],
      startFrom: body.startFrom ? new Date(body.startFrom) : new Date(),
    };
    await this.streams.create(stream);
    return logStreamView({ ...stream, version: 1, failingSince: null, lastError: null });
  }

  async list() {
    return (await this.streams.list()).map(logStreamView);
  }

  async get(id: string) {
    return logStreamView(await this.existing(id));
  }

  async update(id: string, body: UpdateLogStreamBody) {
    const current = await this.existing(id);
    const changes: LogStreamChanges = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.isPriority !== undefined ? { isPriority: body.isPriority } : {}),
      ...(body.filters !== undefined ? { filters: body.filters } : {}),
      ...(body.sink !== undefined ? { sink: this.checkedSink({ ...current.sink, ...body.sink }) } : {}),
    };
    const updated = await this.streams.update(current, changes);
    if (!updated) throw streamNotFound();
    return logStreamView(updated);
  }

  async delete(id: string): Promise<void> {
    if (!STREAM_ID.test(id) || !(await this.streams.delete(id))) throw streamNotFound();
  }

  /** Any id that is not one of ours is simply not found. */
  private async existing(id: string): Promise<LogStreamRecord> {
    const stream = STREAM_ID.test(id) ? await this.streams.find(id) : null;
    if (!stream) throw streamNotFound();
    return stream;
  }

  /** An endpoint the delivery may call: https to a public address, unless private networks are allowed. */
  private checkedSink(sink: HttpSink): HttpSink {
    const problem = this.endpointPolicy.urlProblem(sink.httpEndpoint);
    if (problem !== null) throw invalidBody(`'httpEndpoint ${problem}' on property sink.httpEndpoint.`);
    return sink;
  }
}

function streamNotFound(): ManagementError {
  return notFound('The log stream does not exist', 'inexistent_log_stream');
}
