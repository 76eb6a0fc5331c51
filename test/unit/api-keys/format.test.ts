import { createHmac, randomBytes } from 'node:crypto';
import { Secrets } from '../../../src/domain/secrets.js';
import { newId } from '../../../src/domain/ids.js';
import {
  digestApiKey, digestsEqual, generateApiKey, looksLikeApiKey, parseApiKey, START_LENGTH,
} from '../../../src/domain/api-keys/format.js';
import { base62Width, decodeBase62, encodeBase62 } from '../../../src/domain/api-keys/base62.js';

const secrets = new Secrets(randomBytes(32).toString('base64url'));
const otherSecrets = new Secrets(randomBytes(32).toString('base64url'));

function flipChar(key: string, index: number): string {
  const c = key[index];
  return key.slice(0, index) + (c === 'a' ? 'b' : 'a') + key.slice(index + 1);
}

describe('API key format', () => {
  it('mints ak_<env>_<base62> keys whose id and environment parse back out', () => {
    for (const env of ['live', 'test'] as const) {
      const id = newId('key');
      const { key, start } = generateApiKey(secrets, env, id);
      expect(key).toMatch(new RegExp(`^ak_${env}_[0-9A-Za-z]+$`));
      expect(key.length).toBeLessThanOrEqual(100);
      expect(start).toHaveLength(START_LENGTH);
      expect(key.startsWith(`ak_${env}_${start}`)).toBe(true);
      expect(parseApiKey(secrets, key)).toEqual({ ok: true, id, environment: env });
    }
  });

  it('carries at least 192 random bits: two keys for the same id differ', () => {
    const id = newId('key');
    const a = generateApiKey(secrets, 'live', id);
    const b = generateApiKey(secrets, 'live', id);
    expect(a.key).not.toBe(b.key);
    expect(a.digest).not.toBe(b.digest);
    expect(parseApiKey(secrets, b.key)).toMatchObject({ ok: true, id });
  });

  it('takes start from the random part, so keys minted together are told apart', () => {
    const starts = new Set(Array.from({ length: 50 }, () => generateApiKey(secrets, 'live', newId('key')).start));
    expect(starts.size).toBeGreaterThan(45);
  });

  it('rejects a key whose tag does not match (any changed character), with bad_tag', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    for (const index of [20, 50, key.length - 1]) {
      expect(parseApiKey(secrets, flipChar(key, index))).toEqual({ ok: false, code: 'bad_tag' });
    }
    // the leading digits carry the top bits: a change there may also overflow the fixed width
    for (const index of [8, 9]) {
      const parsed = parseApiKey(secrets, flipChar(key, index));
      expect(parsed.ok).toBe(false);
      expect(['bad_tag', 'malformed']).toContain((parsed as { code: string }).code);
    }
  });

  it('rejects a key minted with another GATEHOUSE_SECRET', () => {
    const { key } = generateApiKey(otherSecrets, 'live', newId('key'));
    expect(parseApiKey(secrets, key)).toEqual({ ok: false, code: 'bad_tag' });
  });

  it('binds the environment into the tag: a live key relabelled test fails', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    expect(parseApiKey(secrets, key.replace('ak_live_', 'ak_test_'))).toEqual({ ok: false, code: 'bad_tag' });
  });

  it.each([
    ['empty', ''],
    ['no prefix', 'hello'],
    ['unknown env', 'ak_prod_abc'],
    ['too short', 'ak_live_abc'],
    ['non-base62 characters', `ak_live_${'-'.repeat(85)}`],
    ['overlong', `ak_live_${'a'.repeat(500)}`],
    ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig'],
  ])('rejects %s input as malformed', (_label, input) => {
    expect(parseApiKey(secrets, input)).toEqual({ ok: false, code: 'malformed' });
  });

  it('rejects a body whose value overflows the layout as malformed', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    const body = key.slice('ak_live_'.length);
    expect(parseApiKey(secrets, `ak_live_${'z'.repeat(body.length)}`)).toEqual({ ok: false, code: 'malformed' });
  });

  it('digests the whole key with a keyed HMAC and compares digests in constant time', () => {
    const { key, digest } = generateApiKey(secrets, 'test', newId('key'));
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(digestApiKey(secrets, key)).toBe(digest);
    expect(digestApiKey(otherSecrets, key)).not.toBe(digest);
    expect(digest).not.toContain(key.slice(8, 20));
    expect(digestsEqual(digest, digestApiKey(secrets, key))).toBe(true);
    expect(digestsEqual(digest, digestApiKey(secrets, `${key}x`))).toBe(false);
    expect(digestsEqual(digest, 'short')).toBe(false);
  });

  it('refuses to mint for something that is not a key id', () => {
    expect(() => generateApiKey(secrets, 'live', 'org_01abc')).toThrow(/not an API key id/);
  });

  it('tells API keys from other bearer credentials', () => {
    expect(looksLikeApiKey('ak_live_x')).toBe(true);
    expect(looksLikeApiKey('eyJ.x.y')).toBe(false);
  });
});

describe('base62', () => {
  const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  /** the plain digit-by-digit definition, as an oracle for the chunked decoder */
  const reference = (text: string, bytes: number): Buffer | null => {
    let n = 0n;
    for (const c of text) {
      const v = ALPHABET.indexOf(c);
      if (v < 0) return null;
      n = n * 62n + BigInt(v);
    }
    const hex = n.toString(16);
    return hex.length > bytes * 2 ? null : Buffer.from(hex.padStart(bytes * 2, '0'), 'hex');
  };
  const randomText = (length: number) => Array.from({ length }, () => ALPHABET[Math.floor(Math.random() * 62)]).join('');

  it('round-trips bytes at a fixed width, leading zeros included', () => {
    for (const bytes of [Buffer.alloc(10), Buffer.from([0, 0, 1, 255]), randomBytes(63)]) {
      const text = encodeBase62(bytes);
      expect(decodeBase62(text, bytes.length)?.equals(bytes)).toBe(true);
    }
  });

  it('round-trips random byte strings of every length up to 70, extremes included', () => {
    for (let i = 0; i < 2000; i++) {
      const length = 1 + (i % 70);
      const bytes = i % 50 === 0 ? Buffer.alloc(length, 0xff) : i % 50 === 1 ? Buffer.alloc(length) : randomBytes(length);
      const text = encodeBase62(bytes);
      expect(text).toHaveLength(base62Width(length));
      expect(decodeBase62(text, length)?.equals(bytes)).toBe(true);
    }
  });

  it('decodes random texts exactly as the digit-by-digit definition, refusing overflow', () => {
    let overflowed = 0;
    for (let i = 0; i < 2000; i++) {
      const length = 1 + (i % 70);
      const text = i % 10 === 0 ? 'z'.repeat(base62Width(length)) : randomText(base62Width(length));
      const decoded = decodeBase62(text, length);
      const expected = reference(text, length);
      if (!expected) overflowed++;
      expect(decoded === null ? null : decoded.toString('hex')).toBe(expected === null ? null : expected.toString('hex'));
      // an accepted text is the one encoding of its value
      if (decoded) expect(encodeBase62(decoded)).toBe(text);
    }
    expect(overflowed).toBeGreaterThan(0);
  });

  it('refuses any character outside the alphabet, wherever it is, and a wrong width', () => {
    const text = encodeBase62(randomBytes(63));
    for (const bad of ['-', '_', '+', '/', ' ', '\0', 'é', '\u0660', '\u{1F511}']) {
      for (const at of [0, 7, 8, 40, text.length - 1]) {
        expect(decodeBase62(text.slice(0, at) + bad + text.slice(at + 1), 63)).toBeNull();
      }
    }
    expect(decodeBase62(text.slice(1), 63)).toBeNull();
    expect(decodeBase62(`${text}0`, 63)).toBeNull();
  });
});

describe('API key format, randomised', () => {
  const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

  it('parses back the id and environment of keys minted for random ids', () => {
    for (let i = 0; i < 300; i++) {
      // the first character carries only 2 of the 130 bits: 0–3 covers the whole range
      const id = `key_${CROCKFORD[i % 4]}${Array.from({ length: 25 }, () => CROCKFORD[Math.floor(Math.random() * 32)]).join('')}`;
      const environment = i % 2 ? 'live' : 'test';
      const { key } = generateApiKey(secrets, environment, id);
      expect(parseApiKey(secrets, key)).toEqual({ ok: true, id, environment });
    }
  });

  it('tags keys with HMAC-SHA-256 over env ‖ NUL ‖ id ‖ random, as keys minted before have always been', () => {
    for (let i = 0; i < 200; i++) {
      const environment = i % 2 ? 'live' : 'test';
      const { key } = generateApiKey(secrets, environment, newId('key'));
      const bytes = decodeBase62(key.slice(`ak_${environment}_`.length), 63)!;
      const [random, id, tag] = [bytes.subarray(0, 30), bytes.subarray(30, 47), bytes.subarray(47)];
      const expected = createHmac('sha256', secrets.key('api-key-tag')).update(`${environment}\0`).update(id).update(random).digest().subarray(0, 16);
      expect(tag.equals(expected)).toBe(true);
    }
  });

  it('refuses random bodies of the right shape (bad tag or overflow), never accepting one', () => {
    const width = generateApiKey(secrets, 'live', newId('key')).key.length - 'ak_live_'.length;
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: width }, () => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 62)]).join('');
      expect(parseApiKey(secrets, `ak_live_${body}`).ok).toBe(false);
    }
  });
});
