import { changedMetadataKeys, METADATA_LIMITS, metadataIssues } from '../../../src/domain/api-keys/metadata.js';

describe('key metadata bounds', () => {
  it('accepts a flat object of strings, numbers and booleans, and an empty one', () => {
    expect(metadataIssues({ customer: 'c_1', tier: 2, beta: true, 'team:name': 'core-api' })).toEqual([]);
    expect(metadataIssues({})).toEqual([]);
  });

  it('refuses what is not a plain object', () => {
    for (const bad of [null, [], 'x', 3, Object.create(null), new Date()])
      expect(metadataIssues(bad)).toEqual([{ field: 'metadata', message: 'must be a JSON object' }]);
  });

  it('refuses nested values, null and non-finite numbers, naming each entry', () => {
    expect(metadataIssues({ a: { b: 1 }, c: null, d: [1], e: Number.POSITIVE_INFINITY }).map((i) => i.field))
      .toEqual(['metadata.a', 'metadata.c', 'metadata.d', 'metadata.e']);
  });

  it('refuses keys that are too long, empty, or hold characters outside A-Z a-z 0-9 _ : - (no "." nor "$")', () => {
    for (const key of ['k'.repeat(METADATA_LIMITS.maxKeyLength + 1), '', 'a.b', '$set', 'with space', '__proto__'])
      expect(metadataIssues(JSON.parse(JSON.stringify({ [key]: 1 })))).toHaveLength(1);
    expect(metadataIssues({ ['k'.repeat(METADATA_LIMITS.maxKeyLength)]: 1 })).toEqual([]);
  });

  it('bounds the number of keys, the length of strings and the total size', () => {
    const many = Object.fromEntries(Array.from({ length: METADATA_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(metadataIssues(many)).toEqual([{ field: 'metadata', message: `must have at most ${METADATA_LIMITS.maxKeys} keys` }]);
    expect(metadataIssues({ note: 'x'.repeat(METADATA_LIMITS.maxStringLength + 1) })).toEqual([{ field: 'metadata.note', message: expect.stringContaining('at most') }]);
    // ten strings of 500 characters: each within bounds, 5 KB in all
    const big = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(METADATA_LIMITS.maxStringLength)]));
    expect(metadataIssues(big)).toEqual([{ field: 'metadata', message: `must be at most ${METADATA_LIMITS.maxBytes} bytes as JSON` }]);
  });

  it('counts bytes, not characters', () => {
    const wide = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'é'.repeat(METADATA_LIMITS.maxStringLength)]));
    expect(JSON.stringify(wide).length).toBeLessThan(METADATA_LIMITS.maxBytes);
    expect(metadataIssues(wide)).toEqual([{ field: 'metadata', message: expect.stringContaining('bytes') }]);
  });

  it('names the keys added, removed or changed', () => {
    expect(changedMetadataKeys({ a: 1, b: 'x', c: true }, { a: 1, b: 'y', d: false })).toEqual(['b', 'c', 'd']);
    expect(changedMetadataKeys({}, { constructor: 'x' })).toEqual(['constructor']);
  });
});
