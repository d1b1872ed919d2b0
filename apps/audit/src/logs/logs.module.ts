import { Module } from '@nestjs/common';
import { LogStoreModule } from '../log-store/log-store.module';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';
import { UserLogsController } from './user-logs.controller';

/** Auth0's log API. */
@Module({
  imports: [LogStoreModule],
  controllers: [LogsController, UserLogsController],
  providers: [LogsService],
})
export class LogsModule {}
