import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  accessTokenIssued,
  ALL_TOPICS,
  createRevocationEvent,
  eventsByTopic,
  TOPICS,
  userCreated,
} from '@app/contracts';
import { buildAsyncApi } from '../../scripts/asyncapi/asyncapi-document';
import { renderAsyncApi } from '../../scripts/asyncapi/render';

const FILE = join(__dirname, '../../docs/asyncapi.yaml');

interface Document {
  asyncapi: string;
  info: { title: string; version: string };
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    messages: Record<
      string,
      { name: string; payload: { schemaFormat: string; schema: Record<string, unknown> }; bindings: unknown }
    >;
  };
}

/** The channels of event topics (all but the dead-letter topic, whose values are any bytes). */
function eventChannels(document: Document): Document['channels'][string][] {
  return Object.values(document.channels).filter((channel) => channel.address !== TOPICS.deadLetter.name);
}

/** Resolves a local `#/a/b/c` reference in the document. */
function resolve(document: unknown, ref: string): unknown {
  expect(ref.startsWith('#/'), ref).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
}

/**
 * docs/asyncapi.yaml (issue #17 §4) is generated from the zod contracts: it must be exactly what
 * they generate now (run `npm run asyncapi` after changing an event), and its schemas must be valid
 * JSON Schema that accept the events the contracts create and refuse what they refuse.
 */
describe('the AsyncAPI event catalogue', () => {
  const document = parse(readFileSync(FILE, 'utf8')) as Document;

  it('is current: what the contracts generate, byte for byte', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(renderAsyncApi());
    expect(document).toEqual(buildAsyncApi());
  });

  it('is an AsyncAPI 3 document naming every topic, its key and every event type', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBeTruthy();
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses.sort()).toEqual(ALL_TOPICS.map((topic) => topic.name).sort());
    for (const channel of Object.values(document.channels)) {
      const types = Object.values(channel.messages).map(
        (ref) => (resolve(document, ref.$ref) as { name: string }).name,
      );
      // The dead-letter topic carries no events of its own: any bytes, described by headers.
      const expected =
        channel.address === TOPICS.deadLetter.name
          ? ['dead_letter']
          : eventsByTopic[channel.address as keyof typeof eventsByTopic].map((event) => event.type);
      expect(types.sort(), channel.address).toEqual([...expected].sort());
    }
    for (const [name, operation] of Object.entries(document.operations)) {
      expect(operation.action, name).toBe('receive');
      const channel = resolve(document, operation.channel.$ref) as { messages: object } | undefined;
      expect(channel, name).toBeDefined();
      for (const message of operation.messages) expect(resolve(document, message.$ref), name).toBeDefined();
    }
    for (const message of Object.values(document.components.messages)) {
      expect(message.bindings).toMatchObject({
        kafka: { key: { type: 'string', description: expect.any(String) } },
      });
      expect(message.payload.schemaFormat).toBe('application/schema+json;version=draft-2020-12');
    }
  });

  it('has payload schemas that are valid JSON Schema 2020-12 and agree with the contracts', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // Per channel: one type may travel on two topics with different payloads (signing_key.revoked).
    const validators = new Map(
      eventChannels(document).flatMap((channel) =>
        Object.values(channel.messages).map((ref) => {
          const message = resolve(document, ref.$ref) as Document['components']['messages'][string];
          expect((message.payload.schema.properties as { type: { const: string } }).type.const).toBe(
            message.name,
          );
          return [`${channel.address} ${message.name}`, ajv.compile(message.payload.schema)] as const;
        }),
      ),
    );
    const context = { correlationId: 'asyncapi-test' };
    const samples = [
      accessTokenIssued.create(
        {
          jti: 'j',
          grant_id: 'g',
          client_id: 'c',
          sub: 's',
          aud: ['https://api.example.test/'],
          scope: '',
          grant_type: 'client_credentials',
          format: 'jwt',
          issued_at: 1,
          expires_at: 2,
          log_type: 'seccft',
        },
        context,
      ),
      createRevocationEvent(
        {
          target: { kind: 'grant', grant_id: 'g' },
          expires_at: null,
          reason: 'admin',
          revoked_by: { kind: 'system' },
          revoked_at: new Date().toISOString(),
        },
        context,
      ),
      userCreated.create(
        {
          user_id: 'auth0|u',
          email: null,
          email_verified: false,
          name: null,
          nickname: null,
          picture: null,
          given_name: null,
          family_name: null,
          blocked: false,
          identities: [],
          updated_at: new Date().toISOString(),
        },
        context,
      ),
    ];
    const revokedKey = createRevocationEvent(
      {
        target: { kind: 'signing_key', kid: 'k1' },
        expires_at: null,
        reason: 'signing_key_revoked',
        revoked_by: { kind: 'system' },
        revoked_at: new Date().toISOString(),
      },
      context,
    );
    const topicOf = (type: string) =>
      type === 'user.created'
        ? TOPICS.accounts.name
        : type === 'access_token.issued'
          ? TOPICS.tokensIssued.name
          : TOPICS.tokensRevoked.name;
    for (const sample of [...samples, revokedKey]) {
      const validate = validators.get(`${topicOf(sample.type)} ${sample.type}`)!;
      expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
      // What the contract refuses, the schema refuses too.
      expect(validate({ ...sample, id: 'not-a-uuid' })).toBe(false);
      expect(validate({ ...sample, payload: {} })).toBe(false);
    }
  });
});
