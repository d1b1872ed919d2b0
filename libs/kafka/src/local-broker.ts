import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The client settings of one principal of this clone's own broker (scripts/infra: `.tessera/kafka/`
 * holds the credentials, `.tessera/tls/ca.pem` the CA), as environment variables: what the launcher
 * and the tests give each service process, so each logs in as itself. On a plaintext broker
 * (`KAFKA_SECURITY_PROTOCOL` or `TESSERA_KAFKA_SECURITY` = plaintext) only the protocol is set.
 */
export function localKafkaEnv(
  repoRoot: string,
  principal: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const protocol = env.KAFKA_SECURITY_PROTOCOL ?? env.TESSERA_KAFKA_SECURITY ?? 'sasl_ssl';
  if (protocol === 'plaintext') return { KAFKA_SECURITY_PROTOCOL: 'plaintext' };
  return {
    KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD: localKafkaPassword(repoRoot, principal),
    KAFKA_SSL_CA_FILE: env.TESSERA_TLS_DIR
      ? join(env.TESSERA_TLS_DIR, 'ca.pem')
      : join(repoRoot, '.tessera/tls/ca.pem'),
  };
}

/** A principal's password from `.tessera/kafka/credentials.env` (`name=password` lines). */
export function localKafkaPassword(repoRoot: string, principal: string): string {
  const file = join(repoRoot, '.tessera/kafka/credentials.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no Kafka credentials at ${file}: start the broker first (bash scripts/infra/up.sh)`);
  }
  const line = text.split('\n').find((entry) => entry.startsWith(`${principal}=`));
  if (!line) throw new Error(`no Kafka principal ${principal} in ${file}`);
  return line.slice(principal.length + 1);
}
