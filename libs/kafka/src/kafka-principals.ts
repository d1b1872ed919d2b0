import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type AclFilter,
  type Kafka,
} from 'kafkajs';
import { TOPICS } from '@app/contracts';

/** What one principal may do on the broker: the topics it writes and reads (issue #20 §2). */
export interface PrincipalGrants {
  readonly writes: readonly string[];
  readonly reads: readonly string[];
}

const { tokensIssued, tokensRevoked, signingKeys, clients, accounts, deadLetter } = TOPICS;
/** What every validator replays: revocations, signing keys, clients and users (libs/jwt, libs/management). */
const validatorReads = [tokensRevoked.name, signingKeys.name, clients.name, accounts.name] as const;

/**
 * Each service's principal and its grants. Only issuance may publish a signing key or a client, only
 * revocation a revocation, only account-linking a user; every service may dead-letter what it cannot
 * read. The admin principal (`tessera-admin`, provisioning and the tests) and the broker's own are
 * super users, in infra/kafka/security.properties.
 */
export const SERVICE_PRINCIPALS = {
  'tessera-issuance': {
    writes: [tokensIssued.name, signingKeys.name, clients.name, deadLetter.name],
    reads: validatorReads,
  },
  'tessera-revocation': {
    writes: [tokensRevoked.name, deadLetter.name],
    reads: [...validatorReads, tokensIssued.name],
  },
  'tessera-introspection': { writes: [deadLetter.name], reads: validatorReads },
  'tessera-account-linking': {
    // Attack protection's blocks and throttles are log events on the audit stream.
    writes: [accounts.name, tokensIssued.name, deadLetter.name],
    reads: validatorReads,
  },
  'tessera-audit': { writes: [deadLetter.name], reads: [...validatorReads, tokensIssued.name] },
} as const satisfies Record<string, PrincipalGrants>;

export type ServicePrincipal = keyof typeof SERVICE_PRINCIPALS;

/**
 * An outside subscriber (`npm run kafka:subscriber -- add <name>`): it reads the public streams a
 * relying party or an API needs (the audit stream, revocations, signing keys) and writes nothing.
 */
export const SUBSCRIBER_GRANTS: PrincipalGrants = {
  writes: [],
  reads: [tokensIssued.name, tokensRevoked.name, signingKeys.name],
};

/** The ACL entries of a principal: its topics, and reading (joining) the groups of its namespace. */
export function aclsFor(username: string, grants: PrincipalGrants): AclEntry[] {
  const principal = `User:${username}`;
  const allow = (
    resourceType: AclResourceTypes,
    resourceName: string,
    operation: AclOperationTypes,
    resourcePatternType = ResourcePatternTypes.LITERAL,
  ): AclEntry => ({
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
    resourceType,
    resourceName,
    resourcePatternType,
  });
  return [
    ...grants.writes.map((topic) => allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE)),
    ...grants.reads.map((topic) => allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.READ)),
    // The group namespace of kafka-client.ts's consumerGroupId.
    allow(AclResourceTypes.GROUP, `${username}.`, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED),
  ];
}

/** Creates the ACLs (CreateAcls is idempotent: an existing binding is kept as it is). */
export async function ensureAcls(kafka: Kafka, entries: readonly AclEntry[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: [...entries] });
  } finally {
    await admin.disconnect();
  }
}

/** Removes every ACL of a principal (a subscriber that is let go). */
export function removeAcls(kafka: Kafka, username: string): Promise<void> {
  return deleteAclsMatching(kafka, {
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal: `User:${username}`,
  });
}

/** Removes every ACL on one topic (a test's own topic, once it is deleted). */
export function removeTopicAcls(kafka: Kafka, topic: string): Promise<void> {
  return deleteAclsMatching(kafka, {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: topic,
    resourcePatternType: ResourcePatternTypes.LITERAL,
  });
}

async function deleteAclsMatching(
  kafka: Kafka,
  filter: Omit<AclFilter, 'operation' | 'permissionType'>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteAcls({
      filters: [{ ...filter, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }],
    });
  } finally {
    await admin.disconnect();
  }
}
