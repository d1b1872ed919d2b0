import { describe, expect, it } from 'vitest';
import { parseEvent } from './event-registry';
import { accessTokenIssued } from './events/tokens-issued';
import { createRevocationEvent, isConsistentRevocation, revocationKey } from './events/tokens-revoked';
import { ALL_TOPICS, TOPICS } from './topics';

const context = { correlationId: 'req-1' };

describe('contracts', () => {
  it('names topics tessera.<stream>.v<N>', () => {
    for (const topic of ALL_TOPICS) expect(topic.name).toMatch(/^tessera\.[a-z-]+(\.[a-z-]+)?\.v\d+$/);
  });

  it('refuses to create an event whose payload breaks the schema', () => {
    expect(() => accessTokenIssued.create({ jti: '' } as never, context)).toThrow();
  });

  it('builds the revocation event type from the target, keyed by the target', () => {
    const event = createRevocationEvent(
      {
        target: { kind: 'grant', grant_id: 'g1' },
        expires_at: null,
        reason: 'refresh_token_reuse',
        revoked_by: { kind: 'system' },
        revoked_at: new Date().toISOString(),
      },
      context,
    );
    expect(event.type).toBe('grant.revoked');
    expect(revocationKey(event.payload.target)).toBe('grant:g1');
    expect(isConsistentRevocation(event)).toBe(true);
    expect(isConsistentRevocation({ ...event, type: 'access_token.revoked' })).toBe(false);
  });

  it('parses only known, valid events of the topic', () => {
    const event = accessTokenIssued.create(
      {
        jti: 'j',
        grant_id: 'g',
        client_id: 'c',
        sub: 's',
        aud: ['a'],
        scope: '',
        grant_type: 'client_credentials',
        format: 'jwt',
        issued_at: 1,
        expires_at: 2,
        log_type: 'seccft',
      },
      context,
    );
    expect(parseEvent(TOPICS.tokensIssued.name, JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(parseEvent(TOPICS.tokensRevoked.name, event)).toBeNull();
    expect(parseEvent(TOPICS.tokensIssued.name, { ...event, type: 'made.up' })).toBeNull();
    expect(parseEvent(TOPICS.tokensIssued.name, 'garbage')).toBeNull();
  });
});
