/**
 * How long dispatched events and settled (succeeded or failed) webhook deliveries are kept:
 * long enough to look into a delivery and redeliver it, short enough that the outbox stays small.
 * Undispatched events and pending deliveries are never removed. The audit log keeps every event.
 */
export const OUTBOX_RETENTION_MS = 30 * 24 * 3_600_000;
