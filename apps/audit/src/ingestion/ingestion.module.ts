import { Module } from '@nestjs/common';
import { LogStoreModule } from '../log-store/log-store.module';
import { LogIngestionService } from './log-ingestion.service';
import {
  AccountsLogConsumer,
  IssuedTokensLogConsumer,
  RevokedTokensLogConsumer,
} from './log-stream.consumers';

/** Reads the three topics into the log store. */
@Module({
  imports: [LogStoreModule],
  providers: [LogIngestionService, IssuedTokensLogConsumer, RevokedTokensLogConsumer, AccountsLogConsumer],
})
export class IngestionModule {}
