import mongoose, { type Connection } from 'mongoose';

/**
 * A dedicated connection (never mongoose's global one: every Gatehouse, and every test, owns its
 * own). Writes are acknowledged by a majority of the replica set and journaled, so an
 * acknowledged write survives the loss of the primary; reads go to the primary.
 */
export async function openConnection(url: string, dbName?: string): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    ...(dbName ? { dbName } : {}),
    autoIndex: false,
    autoCreate: false,
    writeConcern: { w: 'majority', journal: true },
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 50,
  });
  return conn.asPromise();
}
