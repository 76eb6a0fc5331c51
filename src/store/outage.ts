/**
 * Which backend errors mean "the store cannot answer now" (a 503, worth retrying later) rather
 * than "this request is wrong" or a bug. Read from the errors' names, codes and labels, so this
 * module loads neither driver.
 */

/** MongoDB driver errors raised when no server answers: selection, network, pool, closed client (mongoose renames the first at connect). */
const MONGO_OUTAGE_NAMES = new Set([
  'MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoNotConnectedError',
  'MongoTopologyClosedError', 'MongoPoolClearedError', 'MongoWaitQueueTimeoutError', 'MongoOperationTimeoutError',
]);

/**
 * MongoDB server codes for a node that cannot serve (stepping down, shutting down, not primary),
 * an unreachable host, and time limits: 6 HostUnreachable, 7 HostNotFound, 50 MaxTimeMSExpired,
 * 64 WriteConcernFailed (a majority did not acknowledge within wtimeoutMS), 89 NetworkTimeout,
 * 91 ShutdownInProgress, 189 PrimarySteppedDown, 262 ExceededTimeLimit, 9001 SocketException,
 * 10107 NotWritablePrimary, 11600 InterruptedAtShutdown, 11602 InterruptedDueToReplStateChange,
 * 13435 NotPrimaryNoSecondaryOk, 13436 NotPrimaryOrSecondary.
 */
const MONGO_OUTAGE_CODES = new Set([6, 7, 50, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

interface ErrorShape {
  name?: string;
  code?: unknown;
  cause?: unknown;
  errorLabels?: unknown;
  writeConcernError?: { code?: unknown };
  errInfo?: { wtimeout?: unknown };
}

function isOutageItself(e: ErrorShape): boolean {
  if (typeof e.code === 'string') return /^SQLITE_(BUSY|LOCKED)/.test(e.code);
  if (e.name && MONGO_OUTAGE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && MONGO_OUTAGE_CODES.has(e.code)) return true;
  if (typeof e.writeConcernError?.code === 'number' && MONGO_OUTAGE_CODES.has(e.writeConcernError.code)) return true;
  if (e.errInfo?.wtimeout === true) return true;
  // a transaction still conflicting when the driver's retries ran out
  return Array.isArray(e.errorLabels) && e.errorLabels.includes('TransientTransactionError');
}

/**
 * True when `err` (or an error it was caused by) says the store is unreachable, too slow or
 * locked: SQLite's busy/locked, MongoDB's selection, network, step-down and write-concern
 * timeout errors.
 */
export function isStoreOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as ErrorShape).cause, depth++) {
    if (isOutageItself(e as ErrorShape)) return true;
  }
  return false;
}
