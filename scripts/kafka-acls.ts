/**
 * The ACLs of an outside subscriber on a secured broker (issue #20), as the admin:
 *   node dist/scripts/kafka-acls.js grant-subscriber <name>   # read issued, revoked, signing keys; own groups
 *   node dist/scripts/kafka-acls.js revoke <name>             # every ACL of <name>
 * scripts/infra/kafka-subscriber.sh runs it beside the SCRAM login it adds or removes.
 */
import { kafkaEnv, loadConfig } from '@app/config';
import {
  aclsFor,
  createKafka,
  ensureAcls,
  kafkaSecurityFrom,
  removeAcls,
  SUBSCRIBER_GRANTS,
} from '@app/kafka';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (
    (command !== 'grant-subscriber' && command !== 'revoke') ||
    !name ||
    !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)
  ) {
    console.error('usage: kafka-acls.js grant-subscriber|revoke <name>');
    process.exit(2);
  }
  const config = loadConfig(kafkaEnv);
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'tessera-kafka-acls',
    security: kafkaSecurityFrom(config),
    quiet: true,
  });
  if (command === 'grant-subscriber') await ensureAcls(kafka, aclsFor(name, SUBSCRIBER_GRANTS));
  else await removeAcls(kafka, name);
}

main().catch((error: unknown) => {
  console.error(`kafka-acls failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
