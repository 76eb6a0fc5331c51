import type { ClientSession, Connection } from 'mongoose';

/**
 * Runs `fn` in a transaction (mongoose's `connection.transaction`: the driver's `withTransaction`,
 * which retries on `TransientTransactionError`, e.g. a write conflict with a concurrent
 * transaction, and on an unknown commit result). Snapshot reads; the commit takes the
 * connection's write concern (majority, journaled, `wtimeoutMS`), so what one transaction
 * counted is what every other instance sees and a lost majority fails instead of hanging. A
 * standalone server is refused when the store opens (topology.ts); should one slip through, the
 * error says why, with the driver's as its `cause`.
 */
export async function inTransaction<T>(conn: Connection, fn: (session: ClientSession) => Promise<T>): Promise<T> {
  try {
    return await conn.transaction(fn, { readConcern: { level: 'snapshot' } });
  } catch (err) {
    const e = err as { code?: number; message?: string };
    if (e?.code === 20 || /replica set member or mongos/i.test(e?.message ?? '')) {
      throw new Error('MongoDB must be a replica set (transactions keep key caps, rotations and usage counts exact); see docker-compose.yml', { cause: err });
    }
    throw err;
  }
}
