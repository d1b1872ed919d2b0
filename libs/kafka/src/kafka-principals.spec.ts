import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '@app/contracts';
import { consumerGroupId, createKafka } from './kafka-client';
import { aclsFor, SERVICE_PRINCIPALS, SUBSCRIBER_GRANTS } from './kafka-principals';
import { groupNamespace, kafkaSecurityFrom } from './kafka-security';

describe('Kafka principals', () => {
  it('are the ones the broker scripts give logins to (scripts/infra/lib.sh KAFKA_PRINCIPALS)', () => {
    const script = readFileSync(join(__dirname, '../../../scripts/infra/lib.sh'), 'utf8');
    const list = /KAFKA_PRINCIPALS=\(([^)]*)\)/.exec(script)?.[1]?.split(/\s+/).filter(Boolean);
    expect(new Set(list)).toEqual(
      new Set(['tessera-broker', 'tessera-admin', ...Object.keys(SERVICE_PRINCIPALS)]),
    );
  });

  it('let only issuance write signing keys and clients, only revocation revocations, only account-linking users', () => {
    const writers = (topic: string) =>
      Object.entries(SERVICE_PRINCIPALS)
        .filter(([, grants]) => (grants.writes as readonly string[]).includes(topic))
        .map(([name]) => name);
    expect(writers(TOPICS.signingKeys.name)).toEqual(['tessera-issuance']);
    expect(writers(TOPICS.clients.name)).toEqual(['tessera-issuance']);
    expect(writers(TOPICS.tokensRevoked.name)).toEqual(['tessera-revocation']);
    expect(writers(TOPICS.accounts.name)).toEqual(['tessera-account-linking']);
    expect(SUBSCRIBER_GRANTS.writes).toEqual([]);
  });

  it('give a principal its topics and the groups of its own namespace only', () => {
    const acls = aclsFor('my-api', SUBSCRIBER_GRANTS);
    expect(acls.every((acl) => acl.principal === 'User:my-api')).toBe(true);
    expect(acls.filter((acl) => acl.operation === AclOperationTypes.WRITE)).toEqual([]);
    expect(acls.filter((acl) => acl.resourceType === AclResourceTypes.GROUP)).toEqual([
      expect.objectContaining({
        resourceName: 'my-api.',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        operation: AclOperationTypes.READ,
      }),
    ]);
  });
});

describe('Kafka client security', () => {
  const secured = {
    KAFKA_SASL_USERNAME: 'tessera-issuance',
    KAFKA_SASL_PASSWORD: 'secret',
    KAFKA_SSL_CA_FILE: '/dev/null',
  };

  it('is sasl_ssl unless plaintext is asked for, and refuses sasl_ssl without its settings', () => {
    expect(kafkaSecurityFrom(secured)).toEqual({
      protocol: 'sasl_ssl',
      username: 'tessera-issuance',
      password: 'secret',
      caFile: '/dev/null',
    });
    expect(kafkaSecurityFrom({ KAFKA_SECURITY_PROTOCOL: 'plaintext' })).toEqual({ protocol: 'plaintext' });
    expect(() => kafkaSecurityFrom({})).toThrow(/KAFKA_SASL_USERNAME/);
    expect(() => kafkaSecurityFrom({ ...secured, KAFKA_SECURITY_PROTOCOL: 'SSL' as never })).toThrow(
      /sasl_ssl or plaintext/,
    );
  });

  it("names a client's consumer groups in its principal's namespace", () => {
    const security = kafkaSecurityFrom(secured);
    expect(groupNamespace(security)).toBe('tessera-issuance.');
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 't', security });
    expect(consumerGroupId(kafka, 'tessera.issuance.revocations')).toBe(
      'tessera-issuance.tessera.issuance.revocations',
    );
    expect(consumerGroupId(kafka, 'tessera-issuance.x')).toBe('tessera-issuance.x');
    const open = createKafka({ brokers: ['127.0.0.1:1'], clientId: 't' });
    expect(consumerGroupId(open, 'tessera.issuance.revocations')).toBe('tessera.issuance.revocations');
  });
});
