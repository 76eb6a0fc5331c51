import mongoose, { type Connection } from 'mongoose';

export interface ConnectionOptions {
  /** overrides the database named in the URL */
  dbName?: string;
  /** the store's time budget for one operation (`store.timeoutMs`) */
  timeoutMs: number;
  /** a connection for migrations: index builds may rightly take minutes, so no socket timeout */
  longRunning?: boolean;
}

/**
 * A dedicated connection (never mongoose's global one: every Gatehouse, and every test, owns its
 * own). Writes are acknowledged by a majority of the replica set and journaled, so an
 * acknowledged write survives the loss of the primary; reads go to the primary.
 *
 * Timeouts, so that a lost majority or a hung server fails instead of hanging (driver 7 ignores
 * `timeoutMS`, so the classic settings bound each step): no primary to select within
 * `timeoutMs` fails the operation; a majority write not acknowledged within `timeoutMs`
 * (`wtimeoutMS`) fails with a write-concern error (the write may still apply later); a socket
 * silent for three times that is closed. The store's deadline (store/deadline.ts) answers the
 * caller at `timeoutMs` whatever happens underneath.
 */
export async function openConnection(url: string, options: ConnectionOptions): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    autoIndex: false,
    autoCreate: false,
    // no buffering while disconnected: an operation goes to the driver's server selection,
    // bounded by timeoutMs, instead of waiting in mongoose's own 10 s queue
    bufferCommands: false,
    writeConcern: { w: 'majority', journal: true, wtimeoutMS: options.timeoutMs },
    serverSelectionTimeoutMS: options.timeoutMs,
    ...(options.longRunning ? {} : { socketTimeoutMS: 3 * options.timeoutMs }),
    maxPoolSize: options.longRunning ? 2 : 50,
  });
  return conn.asPromise();
}
