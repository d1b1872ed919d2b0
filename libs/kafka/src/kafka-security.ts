import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';

/**
 * How a process authenticates to the broker (issue #20, docs/adr/0019): `sasl_ssl` (the default)
 * speaks TLS, checks the broker's certificate against `caFile`, and logs in with SCRAM-SHA-512 as
 * its own principal; the broker's ACLs then decide what that principal may read and write.
 * `plaintext` is the open broker of old, for a developer who chose it (`TESSERA_KAFKA_SECURITY`).
 */
export type KafkaSecurity =
  | { readonly protocol: 'plaintext' }
  | {
      readonly protocol: 'sasl_ssl';
      readonly username: string;
      readonly password: string;
      /** The CA that signed the broker's certificate (PEM). */
      readonly caFile: string;
    };

/** The environment variables every Kafka client of Tessera reads (libs/config `kafkaEnv`). */
export interface KafkaSecurityEnv {
  readonly KAFKA_SECURITY_PROTOCOL?: 'sasl_ssl' | 'plaintext';
  readonly KAFKA_SASL_USERNAME?: string;
  readonly KAFKA_SASL_PASSWORD?: string;
  readonly KAFKA_SSL_CA_FILE?: string;
}

/** The security of a client from its environment; throws when `sasl_ssl` lacks what it needs. */
export function kafkaSecurityFrom(env: KafkaSecurityEnv): KafkaSecurity {
  const protocol = env.KAFKA_SECURITY_PROTOCOL ?? 'sasl_ssl';
  if (protocol === 'plaintext') return { protocol };
  // Read from a raw environment too (the resource-server package, scripts): refuse what is neither.
  if (protocol !== 'sasl_ssl') throw new Error(`KAFKA_SECURITY_PROTOCOL must be sasl_ssl or plaintext`);
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password, KAFKA_SSL_CA_FILE: caFile } = env;
  if (!username || !password || !caFile) {
    throw new Error(
      'KAFKA_SECURITY_PROTOCOL=sasl_ssl needs KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SSL_CA_FILE ' +
        '(a local broker prints them: bash scripts/infra/kafka-env.sh <principal>)',
    );
  }
  return { protocol, username, password, caFile };
}

/** The kafkajs options of a security setting: TLS with the CA, and the SCRAM login. */
export function kafkajsSecurity(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (security.protocol === 'plaintext') return {};
  return {
    ssl: { ca: [readFileSync(security.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: security.username, password: security.password },
  };
}

/**
 * The namespace of a principal's consumer groups: the broker lets a principal join only groups whose
 * id starts with `<username>.` (a PREFIXED group ACL), so one service, or one subscriber, cannot join
 * another's group and take its partitions. Empty on a plaintext broker, which has no principals.
 */
export function groupNamespace(security: KafkaSecurity): string {
  return security.protocol === 'sasl_ssl' ? `${security.username}.` : '';
}
