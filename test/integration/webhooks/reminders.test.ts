import { OPERATOR } from '../../../src/audit/actor.js';
import { newId } from '../../../src/domain/ids.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { KeyReminders } from '../../../src/events/key-reminders.js';
import type { ApiKeyRecord } from '../../../src/store/ports.js';
import { createTestGatehouse } from '../../support/harness.js';

const H = 3_600_000;
const DAY = 24 * H;

let gh: Gatehouse;
let orgId: string;
let clock: number;
const T0 = Date.parse('2031-06-01T00:00:00Z');

function key(over: Partial<ApiKeyRecord>): ApiKeyRecord {
  return {
    id: newId('key'), organizationId: orgId, name: 'k', environment: 'live', digest: `d-${newId('d')}`, start: 'AbCdEf', permissions: ['users:read'],
    expiresAt: null, ipAllowlist: [], rateLimit: null, createdBy: 'cli', createdAt: new Date(T0), updatedAt: new Date(T0),
    revokedAt: null, rotatedTo: null, disabledAt: null, metadata: {}, ...over,
  };
}

/** An instance's sweep on the fake clock. */
const instance = () => new KeyReminders({ store: gh.store, events: gh.events, config: gh.config.webhooks.reminders, now: () => new Date(clock) });

const reminders = async () => (await gh.store.events.undispatched(10_000))
  .filter((e) => e.type === 'api_key.expiring' || e.type === 'api_key.rotation_due')
  .map((e) => ({ type: e.type, key: (e.data.api_key as { id: string }).id, days: e.data.days_before, at: e.occurredAt.getTime() }));

beforeAll(async () => {
  gh = await createTestGatehouse({ webhooks: { worker: false, reminders: { sweepIntervalMinutes: 60 } } });
  orgId = (await gh.identity.organizations.create({ slug: 'acme', plan: 'pro' })).id;
});
afterAll(() => gh.close());

describe('the API-key reminder sweep (fake time, several instances)', () => {
  it('sends api_key.expiring 14 days and 1 day before, api_key.rotation_due after 90 days, each once, whatever the instances do', async () => {
    const expiring = key({ createdAt: new Date(T0 - 10 * DAY), expiresAt: new Date(T0 + 20 * DAY) });
    const shortLived = key({ createdAt: new Date(T0 - DAY), expiresAt: new Date(T0 + 7 * DAY) });
    const old = key({ createdAt: new Date(T0 - 100 * DAY) });
    const ageing = key({ createdAt: new Date(T0 - 85 * DAY) });
    const revoked = key({ createdAt: new Date(T0 - 200 * DAY), expiresAt: new Date(T0 + 3 * DAY), revokedAt: new Date(T0 - DAY) });
    const rotatedAway = key({ createdAt: new Date(T0 - 200 * DAY), expiresAt: new Date(T0 + 12 * H), rotatedTo: 'key_next' });
    const serverKey = key({ organizationId: null, createdAt: new Date(T0 - 200 * DAY) });
    for (const k of [expiring, shortLived, old, ageing, revoked, rotatedAway, serverKey]) await gh.store.apiKeys.create(k);

    const [a, b] = [instance(), instance()];
    // every hour for 21 days, two instances at the same moment (one holds the job, the other finds it held)
    for (clock = T0; clock <= T0 + 21 * DAY; clock += H) {
      const results = await Promise.all([a.sweep(), b.sweep()]);
      expect(results.filter((r) => r === null).length).toBeLessThanOrEqual(1);
      if (clock === T0 + 10 * DAY) await instance().sweep(); // a third instance starts (a restart)
    }
    const sent = await reminders();
    const about = (k: ApiKeyRecord) => sent.filter((r) => r.key === k.id).map(({ type, days, at }) => ({ type, days, at }));
    expect(about(expiring)).toEqual([
      { type: 'api_key.expiring', days: 14, at: T0 + 6 * DAY },
      { type: 'api_key.expiring', days: 1, at: T0 + 19 * DAY },
    ]);
    // lives 7 days: no 14-day notice, a 1-day one
    expect(about(shortLived)).toEqual([{ type: 'api_key.expiring', days: 1, at: T0 + 6 * DAY }]);
    // the first sweep reminds about keys already past 90 days; a key reaching 90 days is reminded that hour
    expect(about(old)).toEqual([{ type: 'api_key.rotation_due', days: undefined, at: T0 }]);
    expect(about(ageing)).toEqual([{ type: 'api_key.rotation_due', days: undefined, at: T0 + 5 * DAY }]);
    for (const k of [revoked, rotatedAway, serverKey]) expect(about(k)).toEqual([]);
  });

  it('puts each reminder in the audit log as a system action, with the key as target', async () => {
    const audit = (await gh.store.audit.list(orgId, { limit: 200 })).items.filter((e) => e.action.startsWith('api_key.'));
    expect(audit.map((e) => e.action).sort()).toEqual(['api_key.expiring', 'api_key.expiring', 'api_key.expiring', 'api_key.rotation_due', 'api_key.rotation_due']);
    for (const e of audit) expect(e).toMatchObject({ actor: { type: 'system', id: null }, target: { type: 'api_key' } });
  });

  it('a sweep after downtime catches up on the moments it missed, once', async () => {
    const late = key({ createdAt: new Date(clock - DAY), expiresAt: new Date(clock + 10 * DAY) });
    await gh.store.apiKeys.create(late);
    clock += 9.5 * DAY; // no sweep for 9.5 days: the 1-day moment (9 days on) was missed, the key still lives
    await instance().sweep();
    await instance().sweep();
    expect((await reminders()).filter((r) => r.key === late.id).map((r) => r.days)).toEqual([1]);
  });
});

describe("the rotation reminder follows each organization's key_rotation_reminder_days", () => {
  it('reminds at the organization\'s own age, catches up when it changes, and never where it is off', async () => {
    const globex = await gh.identity.organizations.create({ slug: 'globex' });
    const quiet = await gh.identity.organizations.create({ slug: 'quiet' });
    await gh.apiKeys.settings.update(OPERATOR, globex.id, { keyRotationReminderDays: 30 });
    await gh.apiKeys.settings.update(OPERATOR, quiet.id, { keyRotationReminderDays: 0 });
    const forty = key({ organizationId: globex.id, createdAt: new Date(clock - 40 * DAY) });
    const twenty = key({ organizationId: globex.id, createdAt: new Date(clock - 20 * DAY) });
    const silent = key({ organizationId: quiet.id, createdAt: new Date(clock - 100 * DAY) });
    for (const k of [forty, twenty, silent]) await gh.store.apiKeys.create(k);
    const start = clock;
    for (clock = start + H; clock <= start + 12 * DAY; clock += H) await instance().sweep();
    const rotationDue = async (k: ApiKeyRecord) => (await gh.store.events.undispatched(10_000))
      .filter((e) => e.type === 'api_key.rotation_due' && (e.data.api_key as { id: string }).id === k.id)
      .map((e) => ({ at: e.occurredAt.getTime(), reminder_days: e.data.reminder_days }));
    // the setting changed since the last sweep: the key already past 30 days is reminded at once
    expect(await rotationDue(forty)).toEqual([{ at: start + H, reminder_days: 30 }]);
    expect(await rotationDue(twenty)).toEqual([{ at: start + 10 * DAY, reminder_days: 30 }]);
    expect(await rotationDue(silent)).toEqual([]);
    // turned on again: caught up at the next sweep
    await gh.apiKeys.settings.update(OPERATOR, quiet.id, { keyRotationReminderDays: 90 });
    await instance().sweep();
    expect(await rotationDue(silent)).toEqual([{ at: clock, reminder_days: 90 }]);
  });
});
