import { createHmac, randomBytes } from 'node:crypto';
import { Secrets } from '../../../src/domain/secrets.js';
import { newId } from '../../../src/domain/ids.js';
import zlib from 'node:zlib';
import {
  apiKeyPattern, digestApiKey, digestsEqual, generateApiKey, looksLikeApiKey, parseApiKey, START_LENGTH,
} from '../../../src/domain/api-keys/format.js';
import { withChecksum } from '../../../src/domain/api-keys/checksum.js';
import { legacyApiKey } from '../../support/legacy-api-key.js';
import { base62Width, decodeBase62, encodeBase62 } from '../../../src/domain/api-keys/base62.js';

const secrets = new Secrets(randomBytes(32).toString('base64url'));
const otherSecrets = new Secrets(randomBytes(32).toString('base64url'));
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function flipChar(key: string, index: number): string {
  const c = key[index];
  return key.slice(0, index) + (c === 'a' ? 'b' : 'a') + key.slice(index + 1);
}

/** `key` with its character at `index` changed and its checksum made right again. */
function tamperKeepingChecksum(key: string, index: number): string {
  return withChecksum(flipChar(key.slice(0, -6), index));
}

describe('API key format', () => {
  it('mints ak_<env>_<base62><checksum> keys whose id and environment parse back out', () => {
    for (const env of ['live', 'test'] as const) {
      const id = newId('key');
      const { key, start } = generateApiKey(secrets, env, id);
      expect(key).toMatch(new RegExp(`^ak_${env}_[0-9A-Za-z]{92}$`));
      expect(key.length).toBeLessThanOrEqual(100);
      expect(start).toHaveLength(START_LENGTH);
      expect(key.startsWith(`ak_${env}_${start}`)).toBe(true);
      expect(parseApiKey(secrets, key)).toEqual({ ok: true, id, environment: env, master: secrets.current });
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

  it('ends every key with the CRC-32 of the rest, in six base62 digits anyone can check', () => {
    for (let i = 0; i < 50; i++) {
      const { key } = generateApiKey(secrets, i % 2 ? 'live' : 'test', newId('key'), i % 3 ? 'ak' : 'acme2');
      const value = [...key.slice(-6)].reduce((n, c) => n * 62 + BASE62.indexOf(c), 0);
      expect(value).toBe(zlib.crc32(key.slice(0, -6)));
    }
  });

  it('refuses a key with any changed character as malformed: the checksum fails before the tag is computed', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    for (let index = 0; index < key.length; index++) {
      const changed = flipChar(key, index);
      if (changed === key) continue;
      expect(parseApiKey(secrets, changed)).toEqual({ ok: false, code: 'malformed' });
    }
  });

  it('rejects a key whose tag does not match but whose checksum does, with bad_tag', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    for (const index of [20, 50, key.length - 7]) {
      expect(parseApiKey(secrets, tamperKeepingChecksum(key, index))).toEqual({ ok: false, code: 'bad_tag' });
    }
  });

  it('rejects a key minted with another GATEHOUSE_SECRET', () => {
    const { key } = generateApiKey(otherSecrets, 'live', newId('key'));
    expect(parseApiKey(secrets, key)).toEqual({ ok: false, code: 'bad_tag' });
  });

  it('binds the environment into the tag: a live key relabelled test (checksum fixed) fails', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    expect(parseApiKey(secrets, withChecksum(key.slice(0, -6).replace('ak_live_', 'ak_test_')))).toEqual({ ok: false, code: 'bad_tag' });
  });

  it('mints with the configured prefix and parses keys of any well-formed prefix, so changing it breaks no key', () => {
    const id = newId('key');
    const { key, digest } = generateApiKey(secrets, 'test', id, 'acme');
    expect(key.startsWith('acme_test_')).toBe(true);
    expect(parseApiKey(secrets, key)).toMatchObject({ ok: true, id, environment: 'test' });
    expect(looksLikeApiKey(key)).toBe(true);
    // the digest covers the prefix: the same body relabelled is another key
    expect(digestApiKey(secrets, withChecksum(key.slice(0, -6).replace('acme_', 'ak_')))).not.toBe(digest);
    for (const bad of ['', 'a', 'Ak', '1ak', 'a_k', 'a'.repeat(17)]) expect(() => generateApiKey(secrets, 'live', id, bad)).toThrow(/prefix/);
  });

  it('still parses keys minted in the layout before checksums (legacy), and still checks their tag', () => {
    for (const env of ['live', 'test'] as const) {
      const id = newId('key');
      const key = legacyApiKey(secrets, env, id);
      expect(key).toHaveLength(93);
      expect(parseApiKey(secrets, key)).toEqual({ ok: true, id, environment: env, master: secrets.current });
      expect(parseApiKey(secrets, flipChar(key, 60))).toEqual({ ok: false, code: 'bad_tag' });
      expect(parseApiKey(otherSecrets, key)).toEqual({ ok: false, code: 'bad_tag' });
    }
  });

  it.each([
    ['empty', ''],
    ['no prefix', 'hello'],
    ['unknown env', 'ak_prod_abc'],
    ['too short', 'ak_live_abc'],
    ['non-base62 characters', `ak_live_${'-'.repeat(85)}`],
    ['non-base62 characters, current width', withChecksum(`ak_live_${'-'.repeat(86)}`)],
    ['an upper-case prefix', withChecksum(`AK_live_${'a'.repeat(86)}`)],
    ['overlong', `ak_live_${'a'.repeat(500)}`],
    ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig'],
  ])('rejects %s input as malformed', (_label, input) => {
    expect(parseApiKey(secrets, input)).toEqual({ ok: false, code: 'malformed' });
  });

  it('rejects a body whose value overflows the layout as malformed', () => {
    expect(parseApiKey(secrets, withChecksum(`ak_live_${'z'.repeat(86)}`))).toEqual({ ok: false, code: 'malformed' });
    expect(parseApiKey(secrets, `ak_live_${'z'.repeat(85)}`)).toEqual({ ok: false, code: 'malformed' });
  });

  it('digests the whole key with a keyed HMAC and compares digests in constant time', () => {
    const { key, digest } = generateApiKey(secrets, 'test', newId('key'));
    expect(digest).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/);
    expect(digest.startsWith(`${secrets.current.fingerprint}.`)).toBe(true);
    expect(digestApiKey(secrets, key)).toBe(digest);
    expect(digestApiKey(otherSecrets, key)).not.toBe(digest);
    expect(digest).not.toContain(key.slice(8, 20));
    expect(digestsEqual(digest, digestApiKey(secrets, key))).toBe(true);
    expect(digestsEqual(digest, digestApiKey(secrets, `${key}x`))).toBe(false);
    expect(digestsEqual(digest, 'short')).toBe(false);
  });

  it('matches a digest stored before digests recorded their secret (the bare HMAC) with the same secret only', () => {
    const { key, digest } = generateApiKey(secrets, 'live', newId('key'));
    const bare = digest.slice(digest.indexOf('.') + 1);
    expect(digestsEqual(digestApiKey(secrets, key), bare)).toBe(true);
    expect(digestsEqual(digestApiKey(otherSecrets, key), bare)).toBe(false);
    expect(digestsEqual(digestApiKey(otherSecrets, key), digest)).toBe(false);
  });

  it('refuses to mint for something that is not a key id', () => {
    expect(() => generateApiKey(secrets, 'live', 'org_01abc')).toThrow(/not an API key id/);
  });

  it('tells API keys from other bearer credentials', () => {
    expect(looksLikeApiKey('ak_live_x')).toBe(true);
    expect(looksLikeApiKey('eyJ.x.y')).toBe(false);
    expect(looksLikeApiKey(`eyJ_live_${'a'.repeat(80)}`)).toBe(false);
  });
});

describe('the published pattern for secret scanners', () => {
  it('matches every new key, whatever its environment and prefix, inside surrounding text', () => {
    for (let i = 0; i < 500; i++) {
      const prefix = ['ak', 'acme', 'x9'][i % 3];
      const { key } = generateApiKey(secrets, i % 2 ? 'live' : 'test', newId('key'), prefix);
      const pattern = apiKeyPattern(prefix);
      expect(key).toMatch(new RegExp(`^${pattern.source}$`));
      expect(`const KEY = "${key}";`.match(pattern)?.[0]).toBe(key);
    }
  });

  it('matches nothing that is one step away from a key: length, environment, alphabet, prefix, a word around it', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    const pattern = new RegExp(`^${apiKeyPattern().source}$`);
    const misses = [
      key.slice(0, -1), `${key}a`, key.replace('_live_', '_prod_'), key.replace('ak_', 'AK_'), key.replace('ak_', 'ab_'),
      `${key.slice(0, 20)}-${key.slice(21)}`, `${key.slice(0, 20)}_${key.slice(21)}`, legacyApiKey(secrets, 'live', newId('key')),
    ];
    for (const miss of misses) expect(miss).not.toMatch(pattern);
    expect(`x${key}`).not.toMatch(apiKeyPattern());
    expect(`${key}x`).not.toMatch(apiKeyPattern());
  });

  it('refuses to build a pattern from a prefix keys cannot have', () => {
    expect(() => apiKeyPattern('a.*')).toThrow(/prefix/);
  });
});

describe('API keys and master-secret rotation', () => {
  it('parses a key minted under a previous secret while that secret is configured, and says which secret minted it', () => {
    const current = randomBytes(32).toString('base64url');
    const old = randomBytes(32).toString('base64url');
    const before = new Secrets(old);
    const id = newId('key');
    const { key, digest } = generateApiKey(before, 'live', id);
    const during = new Secrets(current, [old]);
    const parsed = parseApiKey(during, key);
    expect(parsed).toMatchObject({ ok: true, id });
    expect(parsed.ok && parsed.master.id).toBe(before.current.id);
    expect(parsed.ok && digestApiKey(parsed.master, key)).toBe(digest);
    expect(parseApiKey(new Secrets(current), key)).toEqual({ ok: false, code: 'bad_tag' });
    const legacy = legacyApiKey(before, 'test', id);
    expect(parseApiKey(during, legacy)).toMatchObject({ ok: true, id, master: during.previous[0] });
  });

  it('refuses a key naming a secret id no configured secret has, without computing a tag', () => {
    const { key } = generateApiKey(secrets, 'live', newId('key'));
    const other = Array.from({ length: 50 }, () => new Secrets(randomBytes(32).toString('base64url'))).find((s) => s.current.id !== secrets.current.id)!;
    expect(other.withId(secrets.current.id)).toEqual([]);
    expect(parseApiKey(other, key)).toEqual({ ok: false, code: 'bad_tag' });
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
      expect(parseApiKey(secrets, key)).toMatchObject({ ok: true, id, environment });
    }
  });

  it('tags keys with HMAC-SHA-256 over env ‖ NUL ‖ id ‖ random, as keys minted before have always been, after the secret id', () => {
    for (let i = 0; i < 200; i++) {
      const environment = i % 2 ? 'live' : 'test';
      const { key } = generateApiKey(secrets, environment, newId('key'));
      const bytes = decodeBase62(key.slice(`ak_${environment}_`.length, -6), 64)!;
      const [random, id, secretId, tag] = [bytes.subarray(0, 30), bytes.subarray(30, 47), bytes[47], bytes.subarray(48)];
      expect(secretId).toBe(secrets.current.id);
      const expected = createHmac('sha256', secrets.key('api-key-tag')).update(`${environment}\0`).update(id).update(random).digest().subarray(0, 16);
      expect(tag.equals(expected)).toBe(true);
    }
  });

  it('refuses random bodies of the right shape with a right checksum (bad tag or overflow), never accepting one', () => {
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: 86 }, () => BASE62[Math.floor(Math.random() * 62)]).join('');
      expect(parseApiKey(secrets, withChecksum(`ak_live_${body}`)).ok).toBe(false);
      expect(parseApiKey(secrets, `ak_live_${body.slice(1)}`).ok).toBe(false);
    }
  });
});
