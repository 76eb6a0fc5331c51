import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { withDeadline } from '../../../src/store/deadline.js';
import { isStoreOutage } from '../../../src/store/outage.js';
import { StoreUnavailable } from '../../../src/store/ports.js';
import { retryOnOutage } from '../../../src/store/retry.js';

// the driver's own error classes (mongoose re-exports the driver it uses)
const { MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoWriteConcernError } = mongoose.mongo;

/** A real SQLITE_BUSY: a second connection writing while the first holds the write lock, with no busy wait. */
function sqliteBusyError(): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-busy-'));
  const a = new Database(join(dir, 'x.db'));
  const b = new Database(join(dir, 'x.db'));
  try {
    a.exec('CREATE TABLE t (x)');
    b.pragma('busy_timeout = 0');
    a.exec('BEGIN IMMEDIATE');
    try {
      b.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      return err;
    }
    throw new Error('expected SQLITE_BUSY');
  } finally {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('isStoreOutage', () => {
  it('recognises SQLite\'s busy lock and MongoDB\'s selection, network, step-down and write-concern timeouts', () => {
    expect(isStoreOutage(sqliteBusyError())).toBe(true);
    expect(isStoreOutage(new MongoNetworkError('connection reset'))).toBe(true);
    expect(isStoreOutage(new MongoServerSelectionError('no primary', { type: 'ReplicaSetNoPrimary' } as never))).toBe(true);
    expect(isStoreOutage(new MongoServerError({ message: 'not primary', code: 10107 }))).toBe(true);
    expect(isStoreOutage(new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } } as never))).toBe(true);
    expect(isStoreOutage(new Error('wrapped', { cause: new MongoNetworkError('reset') }))).toBe(true);
  });

  it('leaves bugs and refusals alone: duplicate keys, bad queries, plain errors', () => {
    expect(isStoreOutage(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(false);
    expect(isStoreOutage(new MongoServerError({ message: 'unknown operator', code: 2 }))).toBe(false);
    expect(isStoreOutage(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    expect(isStoreOutage(new TypeError('x is undefined'))).toBe(false);
    expect(isStoreOutage(null)).toBe(false);
  });
});

describe('withDeadline', () => {
  it('rejects with StoreUnavailable when the call has not settled in time', async () => {
    const started = Date.now();
    await expect(withDeadline('apiKeys.findById', 50, () => new Promise(() => {}))).rejects.toThrow(StoreUnavailable);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('passes results and ordinary errors through, and turns an outage into StoreUnavailable with its cause', async () => {
    await expect(withDeadline('x', 1000, async () => 42)).resolves.toBe(42);
    const bug = new TypeError('bug');
    await expect(withDeadline('x', 1000, async () => { throw bug; })).rejects.toBe(bug);
    await expect(withDeadline('x', 1000, () => { throw bug; })).rejects.toBe(bug);
    const outage = new MongoNetworkError('reset');
    const err = await withDeadline('oidc.find', 1000, async () => { throw outage; }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailable);
    expect((err as Error).cause).toBe(outage);
  });
});

describe('retryOnOutage', () => {
  it('runs an idempotent operation again after a dropped connection', async () => {
    let calls = 0;
    const result = await retryOnOutage(async () => {
      calls++;
      if (calls < 3) throw new MongoNetworkError('connection reset');
      return 'revoked';
    }, { backoffMs: 1 });
    expect(result).toBe('revoked');
    expect(calls).toBe(3);
  });

  it('does not retry other errors, and gives up after the last attempt', async () => {
    let calls = 0;
    const bug = new TypeError('bug');
    await expect(retryOnOutage(async () => { calls++; throw bug; }, { backoffMs: 1 })).rejects.toBe(bug);
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryOnOutage(async () => { calls++; throw new MongoNetworkError('down'); }, { attempts: 3, backoffMs: 1 })).rejects.toThrow('down');
    expect(calls).toBe(3);
  });
});
