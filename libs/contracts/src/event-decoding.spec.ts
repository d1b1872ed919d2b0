import { describe, expect, it } from 'vitest';
import { decodeEvent } from './event-registry';
import { signingKeyCreated } from './events/signing-keys';
import { createRevocationEvent } from './events/tokens-revoked';
import { TOPICS } from './topics';

const context = { correlationId: 'req-1' };
const revocations = TOPICS.tokensRevoked.name;
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

const revocation = () =>
  createRevocationEvent(
    {
      target: { kind: 'jti', jti: 'j1' },
      expires_at: 2_000_000_000,
      reason: 'client_request',
      revoked_by: { kind: 'client', client_id: 'c1' },
      revoked_at: new Date().toISOString(),
    },
    context,
  );

describe('decodeEvent: what a consumer makes of a record (issue #15 §3)', () => {
  it('decodes a known event', () => {
    const event = revocation();
    expect(decodeEvent(revocations, bytes(event))).toEqual({ ok: true, event });
  });

  it('applies a newer minor version: unknown fields in the envelope and payload are dropped', () => {
    const event = revocation();
    const newer = {
      ...event,
      trace: 'x',
      payload: { ...event.payload, device_id: 'd1', risk: { score: 3 } },
    };
    expect(decodeEvent(revocations, bytes(newer))).toEqual({ ok: true, event });
  });

  it('applies a revocation with a reason a newer producer added: the reason only explains', () => {
    const event = revocation();
    const newer = { ...event, payload: { ...event.payload, reason: 'logout' } };
    expect(decodeEvent(revocations, bytes(newer))).toMatchObject({
      ok: true,
      event: { payload: { reason: 'logout' } },
    });
    const target = { ...event, payload: { ...event.payload, target: { kind: 'device', device_id: 'd' } } };
    expect(decodeEvent(revocations, bytes(target))).toMatchObject({ ok: false, reason: 'schema_mismatch' });
  });

  it('applies a key event whose JWK carries a member this version does not know, but never a private one', () => {
    const event = signingKeyCreated.create(
      {
        kid: 'k1',
        alg: 'ES256',
        state: 'next',
        public_jwk: { kty: 'EC', kid: 'k1', alg: 'ES256', use: 'sig', crv: 'P-256', x: 'x', y: 'y' },
      },
      context,
    );
    const withX5t = {
      ...event,
      payload: { ...event.payload, public_jwk: { ...event.payload.public_jwk, x5t: 't' } },
    };
    expect(decodeEvent(TOPICS.signingKeys.name, bytes(withX5t))).toEqual({ ok: true, event });
    const withD = {
      ...event,
      payload: { ...event.payload, public_jwk: { ...event.payload.public_jwk, d: 'secret' } },
    };
    const refused = decodeEvent(TOPICS.signingKeys.name, bytes(withD));
    expect(refused).toMatchObject({ ok: false, reason: 'schema_mismatch' });
    expect(JSON.stringify(refused)).not.toContain('secret');
  });

  it.each([
    ['{not json', 'unparseable'],
    ['"a string"', 'unparseable'],
    ['[1,2]', 'unparseable'],
    ['{"version":1}', 'unparseable'],
  ])('calls %s unparseable', (value, reason) => {
    expect(decodeEvent(revocations, bytes(value))).toMatchObject({ ok: false, reason });
  });

  it('tells an unknown major version and an unknown type apart', () => {
    expect(decodeEvent(revocations, bytes({ ...revocation(), version: 2 }))).toMatchObject({
      ok: false,
      reason: 'unknown_major_version',
    });
    expect(decodeEvent(revocations, bytes({ ...revocation(), type: 'device.revoked' }))).toMatchObject({
      ok: false,
      reason: 'unknown_type',
      detail: expect.stringContaining('device.revoked') as unknown,
    });
    // An event of another topic is an unknown type here.
    expect(decodeEvent(TOPICS.clients.name, bytes(revocation()))).toMatchObject({ reason: 'unknown_type' });
  });

  it('names the field of a schema mismatch, not its value', () => {
    const event = revocation();
    const broken = {
      ...event,
      payload: { ...event.payload, target: { kind: 'jti', jti: '' }, reason: 'hush-value' },
    };
    const decoded = decodeEvent(revocations, bytes(broken));
    expect(decoded).toMatchObject({ ok: false, reason: 'schema_mismatch' });
    expect(decoded.ok || decoded.detail).toContain('payload.target.jti');
    expect(JSON.stringify(decoded)).not.toContain('hush-value');
  });
});
