/**
 * The event catalogue (issue #17 §4): an AsyncAPI 3.0 document of every topic, its key and its event
 * types, whose payload schemas are generated from the zod contracts in libs/contracts
 * (`z.toJSONSchema`, JSON Schema draft 2020-12), never written by hand. `npm run asyncapi` writes
 * docs/asyncapi.yaml; test/deploy/asyncapi.spec.ts fails when that file is not what this builds.
 */
import { z } from 'zod';
import { DEAD_LETTER_HEADERS, eventsByTopic, TOPICS } from '@app/contracts';

type TopicKey = keyof typeof TOPICS;

/** What each topic is keyed by: the partitioning (and, for compacted topics, the compaction) key. */
const KEYS: Record<TopicKey, string> = {
  tokensIssued:
    'grant_id for token events (every event of one grant on one partition, in order); the session id for login_session.started, the consent grant id for consent.granted, the client id (or "anonymous") for token_request.refused',
  tokensRevoked:
    'the revocation target: jti:<jti>, rt:<refresh token id>, session:<id>, grant:<id>, sub:<user>, client:<id>, kid:<kid> (compaction keeps the latest fact per target)',
  signingKeys: 'kid',
  clients: 'client_id',
  accounts: 'user_id (identity.linked / identity.unlinked: the primary user id)',
  deadLetter: "the original record's key (absent when it had none)",
};

/** The one message of the dead-letter topic: any bytes, described by its headers. */
function deadLetterMessage(): Record<string, unknown> {
  return {
    name: 'dead_letter',
    title: 'dead letter',
    summary:
      'The original record\'s value byte for byte (it may not be JSON); where it came from and why it was not applied are in the headers. See docs/events.md "Dead letters".',
    contentType: 'application/octet-stream',
    headers: {
      type: 'object',
      properties: Object.fromEntries(
        Object.values(DEAD_LETTER_HEADERS).map((header) => [header, { type: 'string' }]),
      ),
    },
    payload: {
      schemaFormat: 'application/schema+json;version=draft-2020-12',
      schema: { description: 'Any bytes: the original value, byte for byte.' },
    },
    bindings: { kafka: { key: { type: 'string', description: KEYS.deadLetter }, bindingVersion: '0.5.0' } },
  };
}

/** The topics outside systems may subscribe to; the others are internal (DESIGN §5). */
const PUBLIC: readonly TopicKey[] = ['tokensIssued', 'tokensRevoked'];

/**
 * `tokensRevoked.signing_key.revoked`: a message's key names its channel, because one type may travel
 * on two topics with different payloads (`signing_key.revoked` on the key and revocation topics).
 */
function messageId(channel: TopicKey, type: string): string {
  return `${channel}.${type}`;
}

export function buildAsyncApi(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [key, topic] of Object.entries(TOPICS) as [TopicKey, (typeof TOPICS)[TopicKey]][]) {
    const channelMessages: Record<string, unknown> = {};
    if (topic.name === TOPICS.deadLetter.name) {
      const id = messageId(key, 'dead_letter');
      messages[id] = deadLetterMessage();
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    const definitions = topic.name === TOPICS.deadLetter.name ? [] : eventsByTopic[topic.name];
    for (const definition of definitions) {
      const id = messageId(key, definition.type);
      messages[id] = {
        name: definition.type,
        title: definition.type,
        contentType: 'application/json',
        payload: {
          schemaFormat: 'application/schema+json;version=draft-2020-12',
          schema: z.toJSONSchema(definition.schema, { target: 'draft-2020-12', unrepresentable: 'any' }),
        },
        bindings: { kafka: { key: { type: 'string', description: KEYS[key] }, bindingVersion: '0.5.0' } },
      };
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
    }
    const isPublic = PUBLIC.includes(key);
    channels[key] = {
      address: topic.name,
      title: topic.name,
      description: `${isPublic ? 'Public contract. ' : 'Internal. '}${topic.why}`,
      messages: channelMessages,
      bindings: {
        kafka: {
          topic: topic.name,
          partitions: topic.partitions,
          topicConfiguration: {
            'cleanup.policy': [topic.config['cleanup.policy']],
            ...('retention.ms' in topic.config
              ? { 'retention.ms': Number(topic.config['retention.ms']) }
              : {}),
          },
          bindingVersion: '0.5.0',
        },
      },
      tags: [{ name: isPublic ? 'public' : 'internal' }],
    };
    operations[`receive${key[0]!.toUpperCase()}${key.slice(1)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${key}` },
      summary:
        topic.name === TOPICS.deadLetter.name
          ? `Inspect or replay what a consumer could not apply (npm run dead-letters; docs/events.md "Dead letters").`
          : `Consume ${topic.name} (deduplicate by the envelope's id: delivery is at least once).`,
      messages: Object.keys(channelMessages).map((id) => ({ $ref: `#/channels/${key}/messages/${id}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tessera events',
      version: '1.0.0',
      description:
        'Every lifecycle fact Tessera publishes on Kafka, in the envelope {id, type, version, occurred_at, correlation_id, causation_id?, payload}. GENERATED from libs/contracts by `npm run asyncapi` (scripts/asyncapi); do not edit by hand. See docs/events.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka-secure',
        description:
          'The broker of `npm start`: TLS (the CA is .tessera/tls/ca.pem) and a SCRAM-SHA-512 login per principal (`npm run kafka:subscriber -- add <name>`; docs/adr/0019). docker-compose publishes its plaintext broker to the host as 127.0.0.1:9094.',
        security: [{ $ref: '#/components/securitySchemes/scram' }],
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        scram: {
          type: 'scramSha512',
          description:
            "A principal's SCRAM-SHA-512 login; its ACLs say which topics it reads and writes, and its consumer groups start with `<principal>.`.",
        },
      },
    },
  };
}
