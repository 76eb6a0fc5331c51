import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

let lastMs = 0;
let lastRandom: number[] = [];

/**
 * A time-ordered id (ULID layout, lower-case Crockford base32) with a type prefix, e.g.
 * `org_01jd…`. Ids made later sort after earlier ones, also within one millisecond, so stores
 * page by id and "newest first" is "id descending".
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now <= lastMs && lastRandom.length) {
    // same millisecond: increment the random part so the order still holds
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      if (lastRandom[i] < 31) { lastRandom[i]++; break; }
      lastRandom[i] = 0;
    }
  } else {
    lastMs = now;
    lastRandom = Array.from(randomBytes(16), (b) => b % 32);
  }
  return `${prefix}_${encodeTime(lastMs)}${lastRandom.map((d) => CROCKFORD[d]).join('')}`;
}
