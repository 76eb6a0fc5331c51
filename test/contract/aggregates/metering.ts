import { newId } from '../../../src/domain/ids.js';
import type { MeterIncrement } from '../../../src/store/ports.js';
import type { StoreContext } from '../store-contract.js';

const H = 3_600_000;
const at = (iso: string) => new Date(iso);
const inc = (organizationId: string, keyId: string, hour: string, counts: Partial<MeterIncrement> = {}): MeterIncrement => ({
  organizationId, keyId, hour: at(hour), ok: 0, denied: 0, rateLimited: 0, units: 0, ...counts,
});

/** Metered usage: hourly outcomes and units, monthly totals exact under concurrent flushes. */
export function meteringContract(ctx: StoreContext): void {
  const metering = () => ctx.store.metering;

  it('adds outcomes and units per organization, key and hour, and sums an hour over keys or reads one key', async () => {
    const org = newId('org');
    const [a, b] = [newId('key'), newId('key')];
    await metering().record(newId('flush'), [
      inc(org, a, '2030-01-01T10:00:00Z', { ok: 3, denied: 1, units: 5 }),
      inc(org, b, '2030-01-01T10:00:00Z', { ok: 2, rateLimited: 4, units: 1 }),
      inc(org, '', '2030-01-01T11:00:00Z', { ok: 1, units: 2 }),
      inc(newId('org'), a, '2030-01-01T10:00:00Z', { ok: 100 }),
    ]);
    await ctx.peer.metering.record(newId('flush'), [inc(org, a, '2030-01-01T10:00:00Z', { ok: 1, units: 1 })]);
    expect(await metering().hours(org, at('2030-01-01T00:00:00Z'), at('2030-01-02T00:00:00Z'))).toEqual([
      { hour: at('2030-01-01T10:00:00Z'), ok: 6, denied: 1, rateLimited: 4, units: 7 },
      { hour: at('2030-01-01T11:00:00Z'), ok: 1, denied: 0, rateLimited: 0, units: 2 },
    ]);
    expect(await metering().hours(org, at('2030-01-01T00:00:00Z'), at('2030-01-01T11:00:00Z'), a)).toEqual([
      { hour: at('2030-01-01T10:00:00Z'), ok: 4, denied: 1, rateLimited: 0, units: 6 },
    ]);
    expect(await metering().monthUnits(org, '2030-01')).toBe(9);
    expect(await metering().monthUnits(org, '2030-02')).toBe(0);
  });

  it('applies a flush id at most once, across connections', async () => {
    const org = newId('org');
    const flush = [inc(org, 'k', '2030-02-01T00:00:00Z', { ok: 1, units: 3 })];
    expect(await metering().record('mflush_a', flush)).toEqual([{ organizationId: org, month: '2030-02', before: 0, after: 3 }]);
    expect(await metering().record('mflush_a', flush)).toEqual([]);
    expect(await ctx.peer.metering.record('mflush_a', flush)).toEqual([]);
    expect(await metering().monthUnits(org, '2030-02')).toBe(3);
  });

  it('counts units in the month of their hour, one change per organization and month', async () => {
    const org = newId('org');
    const changes = await metering().record(newId('flush'), [
      inc(org, 'k', '2030-03-31T23:00:00Z', { units: 2 }), inc(org, 'j', '2030-03-31T23:00:00Z', { units: 1 }),
      inc(org, 'k', '2030-04-01T00:00:00Z', { units: 4 }), inc(org, 'k', '2030-04-01T00:00:00Z', { ok: 9 }),
    ]);
    expect(changes.sort((x, y) => x.month.localeCompare(y.month))).toEqual([
      { organizationId: org, month: '2030-03', before: 0, after: 3 }, { organizationId: org, month: '2030-04', before: 0, after: 4 },
    ]);
  });

  it('keeps monthly units exact under concurrent flushes from two connections: the ranges tile, so one flush crosses each total', async () => {
    const org = newId('org');
    const flushes = Array.from({ length: 40 }, (_, n) => (n % 2 ? ctx.peer : ctx.store).metering.record(newId('flush'),
      [inc(org, `k${n % 3}`, '2030-05-10T08:00:00Z', { ok: 1, units: 5 })]));
    const changes = (await Promise.all(flushes)).flat().sort((x, y) => x.before - y.before);
    expect(changes).toHaveLength(40);
    changes.forEach((c, n) => expect([c.before, c.after]).toEqual([n * 5, n * 5 + 5]));
    expect(changes.filter((c) => c.before < 160 && c.after >= 160)).toHaveLength(1);
    expect(await metering().monthUnits(org, '2030-05')).toBe(200);
    const [hour] = await metering().hours(org, at('2030-05-10T08:00:00Z'), at('2030-05-10T09:00:00Z'));
    expect(hour).toEqual({ hour: at('2030-05-10T08:00:00Z'), ok: 40, denied: 0, rateLimited: 0, units: 200 });
  });

  it("finds an hour's busy keys and reads a key's hours with use", async () => {
    const org = newId('org');
    const [busy, quiet] = [newId('key'), newId('key')];
    const hour = '2030-06-01T05:00:00Z';
    await metering().record(newId('flush'), [
      inc(org, busy, hour, { ok: 90, denied: 5, rateLimited: 10 }), inc(org, quiet, hour, { ok: 3 }), inc(org, '', hour, { ok: 500 }),
      inc(org, busy, '2030-06-01T03:00:00Z', { ok: 7 }), inc(org, busy, '2030-06-01T01:00:00Z', { ok: 2 }),
    ]);
    expect(await metering().busyKeys(at(hour), 100)).toEqual([{ organizationId: org, keyId: busy, requests: 105 }]);
    expect(await metering().busyKeys(at(hour), 105)).toEqual([]);
    expect(await metering().keyHourRequests(busy, new Date(at(hour).getTime() - 7 * 24 * H), at(hour))).toEqual([2, 7]);
  });
}
