import { Module } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { LookupModule } from '../lookup/lookup.module';
import { SeedService } from './seed.service';

@Module({
  imports: [LookupModule],
  providers: [ClientsService, SeedService],
})
export class SeedModule {}
