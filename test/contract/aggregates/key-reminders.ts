import { newId } from '../../../src/domain/ids.js';
import type { KeyReminderWindow } from '../../../src/store/ports.js';
import { apiKey, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

const DAY = 86_400_000;

/** The reminder sweep's reads: live organization keys by expiry or creation time, in a window. */
export function keyRemindersContract(ctx: StoreContext): void {
  const now = new Date();
  const days = (n: number) => new Date(now.getTime() + n * DAY);
  const idsIn = async (w: Omit<KeyReminderWindow, 'now'>, org: string) =>
    (await walk((p) => ctx.peer.apiKeys.listForReminder({ ...w, now }, p), 2, (k) => k.id)).filter((k) => k.organizationId === org).map((k) => k.id);

  it('lists keys expiring in (after, upTo], live and unrotated, organization keys only, newest first', async () => {
    const org = newId('org');
    const inside = [apiKey(org, { expiresAt: days(10) }), apiKey(org, { expiresAt: days(14) })];
    const outside = [
      apiKey(org, { expiresAt: days(15) }), apiKey(org, { expiresAt: days(5) }), apiKey(org, { expiresAt: null }),
      apiKey(org, { expiresAt: days(10), revokedAt: days(-1) }), apiKey(org, { expiresAt: days(10), rotatedTo: 'key_next' }),
      apiKey(null, { expiresAt: days(10) }),
    ];
    for (const k of [...inside, ...outside]) await ctx.store.apiKeys.create(k);
    expect(await idsIn({ field: 'expiresAt', after: days(7), upTo: days(14) }, org)).toEqual(inside.map((k) => k.id).reverse());
  });

  it('without a lower bound lists every live key expiring up to `upTo`, never one already expired', async () => {
    const org = newId('org');
    const live = apiKey(org, { expiresAt: days(1) });
    const expired = apiKey(org, { expiresAt: days(-1) });
    for (const k of [live, expired]) await ctx.store.apiKeys.create(k);
    expect(await idsIn({ field: 'expiresAt', after: null, upTo: days(2) }, org)).toEqual([live.id]);
  });

  it('lists live keys created in (after, upTo]', async () => {
    const org = newId('org');
    const old = apiKey(org, { createdAt: days(-100) });
    const older = apiKey(org, { createdAt: days(-200) });
    const young = apiKey(org, { createdAt: days(-10) });
    const expired = apiKey(org, { createdAt: days(-100), expiresAt: days(-1) });
    for (const k of [old, older, young, expired]) await ctx.store.apiKeys.create(k);
    expect(await idsIn({ field: 'createdAt', after: days(-150), upTo: days(-90) }, org)).toEqual([old.id]);
    expect((await idsIn({ field: 'createdAt', after: null, upTo: days(-90) }, org)).sort()).toEqual([old.id, older.id].sort());
  });
}
