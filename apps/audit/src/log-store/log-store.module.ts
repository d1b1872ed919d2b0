import { Module } from '@nestjs/common';
import { LogEventsRepository } from './log-events.repository';
import { LogPartitionsRepository } from './log-partitions.repository';
import { LogRetentionService } from './log-retention.service';

/** The log store: its rows, its day partitions and their retention. */
@Module({
  providers: [LogEventsRepository, LogPartitionsRepository, LogRetentionService],
  exports: [LogEventsRepository, LogPartitionsRepository],
})
export class LogStoreModule {}
