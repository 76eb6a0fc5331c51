import type { ClientSession, Connection } from 'mongoose';

/**
 * Runs `fn` in a transaction (mongoose's `connection.transaction`: the driver's `withTransaction`,
 * which retries on `TransientTransactionError`, e.g. a write conflict with a concurrent
 * transaction, and on an unknown commit result). Majority read and write concerns, so what one
 * transaction counted is what every other instance sees. Transactions need a replica set (or a
 * sharded cluster); a standalone server gets a clear error instead of the driver's.
 */
export async function inTransaction<T>(conn: Connection, fn: (session: ClientSession) => Promise<T>): Promise<T> {
  try {
    return await conn.transaction(fn, { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
  } catch (err) {
    const e = err as { code?: number; codeName?: string; message?: string };
    if (e?.code === 20 || /replica set member or mongos/i.test(e?.message ?? '')) {
      throw new Error('MongoDB must be a replica set (transactions are used for the API-key cap); see docker-compose.yml');
    }
    throw err;
  }
}
