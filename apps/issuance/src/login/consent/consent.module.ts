import { Module } from '@nestjs/common';
import { LookupModule } from '../../lookup/lookup.module';
import { ConsentPromptsRepository } from './consent-prompts.repository';
import { ConsentService } from './consent.service';
import { ConsentsRepository } from './consents.repository';

/** Users' consents to third-party clients: the consent page's rules and the consents kept as grants. */
@Module({
  imports: [LookupModule],
  providers: [ConsentService, ConsentsRepository, ConsentPromptsRepository],
  // The prompts are exported for the login tables' janitor, which prunes the expired ones.
  exports: [ConsentService, ConsentsRepository, ConsentPromptsRepository],
})
export class ConsentModule {}
