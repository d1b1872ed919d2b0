import { describe, expect, it } from 'vitest';
import { mergeMetadata, metadataBytes } from './metadata';

describe('metadata merge (Auth0 PATCH rules)', () => {
  const stored = { theme: 'dark', address: { city: 'Oslo', zip: '0150' }, plan: 'free' };

  it('merges root properties and keeps the others', () => {
    expect(mergeMetadata(stored, { plan: 'pro', locale: 'nb' })).toEqual({
      theme: 'dark',
      address: { city: 'Oslo', zip: '0150' },
      plan: 'pro',
      locale: 'nb',
    });
  });

  it('replaces a nested object instead of merging it', () => {
    expect(mergeMetadata(stored, { address: { city: 'Bergen' } }).address).toEqual({ city: 'Bergen' });
  });

  it('removes a property set to null', () => {
    expect(mergeMetadata(stored, { theme: null, missing: null })).toEqual({
      address: { city: 'Oslo', zip: '0150' },
      plan: 'free',
    });
  });

  it('clears everything when given an empty object', () => {
    expect(mergeMetadata(stored, {})).toEqual({});
  });

  it('does not change the stored object', () => {
    const copy = structuredClone(stored);
    mergeMetadata(stored, { theme: null });
    expect(stored).toEqual(copy);
  });

  it('measures size in UTF-8 bytes of JSON', () => {
    expect(metadataBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
  });
});
