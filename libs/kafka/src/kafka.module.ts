import {
  Global,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  Inject,
  Injectable,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { createKafka, KAFKA, type KafkaClientOptions } from './kafka-client';
import { StreamMetrics } from './stream-metrics';

@Injectable()
class KafkaLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EventPublisher) private readonly publisher: EventPublisher) {}

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/** The process's Kafka client and event publisher, for every module of a service. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaClientOptions): DynamicModule {
    return {
      module: KafkaModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: KAFKA, useFactory: () => createKafka(options) },
        { provide: EventPublisher, useFactory: (kafka: Kafka) => new EventPublisher(kafka), inject: [KAFKA] },
        KafkaLifecycle,
        StreamMetrics,
      ],
      exports: [KAFKA, EventPublisher],
    };
  }
}
