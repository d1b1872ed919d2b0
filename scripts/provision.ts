/**
 * Provisions what the services need before they start: the Kafka topics (with their partitions and
 * retention, TOPICS in libs/contracts), on a secured broker each service principal's ACLs (libs/kafka
 * kafka-principals.ts; run it as the admin: `eval "$(bash scripts/infra/kafka-env.sh tessera-admin)"`),
 * and every service's database schema and migrations.
 * Idempotent; run by `npm run infra:up` and by docker-compose's `provision` service.
 */
import 'reflect-metadata';
import { z } from 'zod';
import { ALL_TOPICS } from '@app/contracts';
import { databaseEnv, kafkaEnv, loadConfig } from '@app/config';
import {
  aclsFor,
  createKafka,
  ensureAcls,
  ensureTopics,
  kafkaSecurityFrom,
  SERVICE_PRINCIPALS,
} from '@app/kafka';
import { migrateSchema } from '@app/persistence';
import { issuanceDatabase } from '../apps/issuance/src/database/issuance-database';
import { revocationDatabase } from '../apps/revocation/src/database/revocation-database';
import { accountLinkingDatabase } from '../apps/account-linking/src/database/account-linking-database';
import { auditDatabase } from '../apps/audit/src/database/audit-database';

const env = kafkaEnv.extend(databaseEnv.shape).extend({
  TESSERA_PROVISION: z.enum(['all', 'topics', 'databases']).default('all'),
});

async function main(): Promise<void> {
  const config = loadConfig(env);
  if (config.TESSERA_PROVISION !== 'databases') {
    const security = kafkaSecurityFrom(config);
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'tessera-provision', security });
    const created = await ensureTopics(kafka, ALL_TOPICS);
    console.log(
      `topics: ${created.length ? `created ${created.join(', ')}` : `all ${ALL_TOPICS.length} present`}`,
    );
    if (security.protocol === 'sasl_ssl') {
      const principals = Object.entries(SERVICE_PRINCIPALS);
      await ensureAcls(
        kafka,
        principals.flatMap(([username, grants]) => aclsFor(username, grants)),
      );
      console.log(`acls: ${principals.map(([username]) => username).join(', ')}`);
    }
  }
  if (config.TESSERA_PROVISION !== 'topics') {
    const database = new URL(config.DATABASE_URL).pathname.slice(1);
    for (const options of [
      issuanceDatabase(config.DATABASE_URL),
      revocationDatabase(config.DATABASE_URL),
      accountLinkingDatabase(config.DATABASE_URL),
      auditDatabase(config.DATABASE_URL),
    ]) {
      const applied = await migrateSchema(options);
      console.log(
        `database ${database}, schema ${options.schema}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(`provision failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
