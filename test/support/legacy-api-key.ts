import { createHmac, randomBytes } from 'node:crypto';
import { encodeBase62 } from '../../src/domain/api-keys/base62.js';
import type { Secrets } from '../../src/domain/secrets.js';

/**
 * A key in the layout Gatehouse minted before checksums and secret ids existed,
 * `ak_<env>_<base62(random ‖ id ‖ tag)>`, written out here independently of the parser: keys
 * like it are in customers' hands and must keep working.
 */
export function legacyApiKey(secrets: Pick<Secrets, 'key'>, environment: 'live' | 'test', id: string): string {
  let n = 0n;
  for (const c of id.slice(4)) n = n * 32n + BigInt('0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c));
  const idBytes = Buffer.from(n.toString(16).padStart(34, '0'), 'hex');
  const random = randomBytes(30);
  const tag = createHmac('sha256', secrets.key('api-key-tag')).update(`${environment}\0`).update(idBytes).update(random).digest().subarray(0, 16);
  return `ak_${environment}_${encodeBase62(Buffer.concat([random, idBytes, tag]))}`;
}
