import { Module } from '@nestjs/common';
import { LogStoreModule } from '../log-store/log-store.module';
import { LogStreamSupervisor } from './log-stream.supervisor';
import { LogStreamsController } from './log-streams.controller';
import { LogStreamsRepository } from './log-streams.repository';
import { LogStreamsService } from './log-streams.service';

/** Auth0's log streams: their settings (`/api/v2/log-streams`) and their delivery from Kafka. */
@Module({
  imports: [LogStoreModule],
  controllers: [LogStreamsController],
  providers: [LogStreamsRepository, LogStreamsService, LogStreamSupervisor],
})
export class LogStreamsModule {}
