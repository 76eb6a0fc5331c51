import { newId } from '../../../src/domain/ids.js';
import type { ApiKeyRecord, KeyRotation } from '../../../src/store/ports.js';
import { apiKey, at } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const HOUR = 3_600_000;

/** A rotation of `old` as the service builds it: a successor copying it, the old key expiring after its grace. */
function rotationOf(old: ApiKeyRecord, over: Partial<KeyRotation> = {}): KeyRotation {
  const now = new Date();
  return {
    oldId: old.id, expectedUpdatedAt: old.updatedAt, oldExpiresAt: new Date(now.getTime() + HOUR),
    successor: { ...old, id: newId('key'), digest: `digest-${newId('d')}`, createdAt: now, updatedAt: now, revokedAt: null, rotatedTo: null },
    ...over,
  };
}

/** API-key rotation: the compare-and-set on the old key. */
export function keyRotationContract(ctx: StoreContext): void {
  const keys = () => ctx.store.apiKeys;

  it('inserts the successor and points the old key to it, with its grace-period expiry, in one step', async () => {
    const old = apiKey(newId('org'), { updatedAt: at(HOUR) });
    await keys().create(old);
    const rotation = rotationOf(old);
    expect(await keys().rotate(rotation)).toBe('rotated');
    expect(await keys().findById(rotation.successor.id)).toEqual(rotation.successor);
    expect(await keys().findById(old.id)).toEqual({
      ...old, rotatedTo: rotation.successor.id, expiresAt: rotation.oldExpiresAt, updatedAt: rotation.successor.createdAt,
    });
  });

  it('of 10 concurrent rotations of one key, on two connections, exactly one succeeds and one successor exists', async () => {
    const org = newId('org');
    const old = apiKey(org);
    await keys().create(old);
    const rotations = Array.from({ length: 10 }, () => rotationOf(old, { cap: { maxActive: 11, now: new Date() } }));
    const outcomes = await Promise.all(rotations.map((r, i) => (i % 2 ? ctx.peer : ctx.store).apiKeys.rotate(r)));
    expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(9);
    const winner = rotations[outcomes.indexOf('rotated')].successor.id;
    const all = (await keys().list(org, { now: new Date() }, { limit: 50 })).items;
    expect(all.map((k) => k.id).sort()).toEqual([old.id, winner].sort());
    expect((await keys().findById(old.id))!.rotatedTo).toBe(winner);
  });

  it('answers conflict and writes nothing for a key revoked, rotated, expired, changed since it was read, or unknown', async () => {
    const org = newId('org');
    const revoked = apiKey(org, { revokedAt: at(HOUR) });
    const rotated = apiKey(org, { rotatedTo: 'key_before' });
    const expired = apiKey(org, { expiresAt: at(1000) });
    const changed = apiKey(org, { updatedAt: at(HOUR) });
    for (const k of [revoked, rotated, expired, changed]) await keys().create(k);
    const stale = rotationOf(changed, { expectedUpdatedAt: new Date(changed.updatedAt.getTime() - 1) });
    const attempts = [rotationOf(revoked), rotationOf(rotated), rotationOf(expired), stale, rotationOf(apiKey(org))];
    for (const attempt of attempts) {
      expect(await keys().rotate(attempt)).toBe('conflict');
      expect(await keys().findById(attempt.successor.id)).toBeNull();
    }
    expect(await keys().findById(changed.id)).toEqual(changed);
    expect(await keys().findById(rotated.id)).toEqual(rotated);
  });

  it('refuses a rotation over the cap, the old key counted as active, and writes nothing', async () => {
    const org = newId('org');
    const old = apiKey(org);
    await keys().create(old);
    await keys().create(apiKey(org));
    const now = new Date();
    const full = rotationOf(old, { cap: { maxActive: 2, now } });
    expect(await keys().rotate(full)).toBe('cap_reached');
    expect(await keys().findById(full.successor.id)).toBeNull();
    expect(await keys().findById(old.id)).toEqual(old);
    // one over the plan, as the service allows a rotation
    const allowed = rotationOf(old, { cap: { maxActive: 3, now } });
    expect(await keys().rotate(allowed)).toBe('rotated');
    expect(await keys().countActive(org, now)).toBe(3);
  });

  it('rotates a server-scoped key without a cap', async () => {
    const old = apiKey(null);
    await keys().create(old);
    const rotation = rotationOf(old);
    expect(await keys().rotate(rotation)).toBe('rotated');
    expect((await keys().findById(rotation.successor.id))!.organizationId).toBeNull();
  });
}
