import type { MeterIncrement, MeteringStore, MonthUnitsChange, UsageHour } from '../ports.js';
import { FLUSH_MEMORY_MS } from '../usage-flushes.js';
import { unitsByMonth } from '../../usage/periods.js';
import type { SqliteDb } from './database.js';

interface HourRow { hour: number; ok: number; denied: number; rate_limited: number; units: number }

/**
 * Metered usage in SQLite: `usage_hours` rows added to by upsert and `usage_months` totals, one
 * `BEGIN IMMEDIATE` transaction a flush (so flushes from several processes on one file
 * serialise), the flush id claimed first in `usage_flushes` as API-key usage does.
 */
export class SqliteMetering implements MeteringStore {
  private readonly recordAll;
  private readonly monthRead;
  private readonly orgHours;
  private readonly keyHours;
  private readonly busy;
  private readonly keyRequests;

  constructor(db: SqliteDb) {
    const claim = db.prepare('INSERT INTO usage_flushes (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
    const add = db.prepare(`INSERT INTO usage_hours (organization_id, hour, key_id, ok, denied, rate_limited, units)
      VALUES (@organizationId, @hour, @keyId, @ok, @denied, @rateLimited, @units)
      ON CONFLICT (organization_id, hour, key_id) DO UPDATE SET ok = ok + excluded.ok, denied = denied + excluded.denied,
        rate_limited = rate_limited + excluded.rate_limited, units = units + excluded.units`);
    const addMonth = db.prepare<[string, string, number], { units: number }>(`INSERT INTO usage_months (organization_id, month, units) VALUES (?, ?, ?)
      ON CONFLICT (organization_id, month) DO UPDATE SET units = units + excluded.units RETURNING units`);
    this.recordAll = db.transaction((flushId: string, increments: readonly MeterIncrement[]): MonthUnitsChange[] => {
      if (claim.run(flushId, Date.now() + FLUSH_MEMORY_MS).changes === 0) return []; // applied already
      for (const i of increments) add.run({ ...i, hour: i.hour.getTime() });
      return [...unitsByMonth(increments).values()].map(({ organizationId, month, units }) => {
        const after = addMonth.get(organizationId, month, units)!.units;
        return { organizationId, month, before: after - units, after };
      });
    });
    this.monthRead = db.prepare<[string, string], { units: number }>('SELECT units FROM usage_months WHERE organization_id = ? AND month = ?');
    const sums = 'SELECT hour, sum(ok) AS ok, sum(denied) AS denied, sum(rate_limited) AS rate_limited, sum(units) AS units FROM usage_hours';
    this.orgHours = db.prepare<[string, number, number], HourRow>(`${sums} WHERE organization_id = ? AND hour >= ? AND hour < ? GROUP BY hour ORDER BY hour`);
    this.keyHours = db.prepare<[string, number, number, string], HourRow>(
      `${sums} WHERE organization_id = ? AND hour >= ? AND hour < ? AND key_id = ? GROUP BY hour ORDER BY hour`);
    this.busy = db.prepare<[number, number], { organization_id: string; key_id: string; requests: number }>(
      `SELECT organization_id, key_id, ok + denied + rate_limited AS requests FROM usage_hours
       WHERE hour = ? AND key_id <> '' AND ok + denied + rate_limited > ?`);
    this.keyRequests = db.prepare<[string, number, number], { requests: number }>(
      'SELECT ok + denied + rate_limited AS requests FROM usage_hours WHERE key_id = ? AND hour >= ? AND hour < ? ORDER BY hour');
  }

  async record(flushId: string, increments: readonly MeterIncrement[]): Promise<MonthUnitsChange[]> {
    return increments.length ? this.recordAll.immediate(flushId, increments) : [];
  }

  async monthUnits(organizationId: string, month: string): Promise<number> {
    return this.monthRead.get(organizationId, month)?.units ?? 0;
  }

  async hours(organizationId: string, from: Date, to: Date, keyId?: string): Promise<UsageHour[]> {
    const rows = keyId === undefined
      ? this.orgHours.all(organizationId, from.getTime(), to.getTime())
      : this.keyHours.all(organizationId, from.getTime(), to.getTime(), keyId);
    return rows.map((r) => ({ hour: new Date(r.hour), ok: r.ok, denied: r.denied, rateLimited: r.rate_limited, units: r.units }));
  }

  async busyKeys(hour: Date, minRequests: number) {
    return this.busy.all(hour.getTime(), minRequests).map((r) => ({ organizationId: r.organization_id, keyId: r.key_id, requests: r.requests }));
  }

  async keyHourRequests(keyId: string, from: Date, to: Date): Promise<number[]> {
    return this.keyRequests.all(keyId, from.getTime(), to.getTime()).map((r) => r.requests);
  }
}
