/**
 * How long a store remembers the id of an applied usage flush (see `UsageStore.record`): far
 * longer than any retry of a flush (the recorder retries every flush interval, and a process
 * that dies loses its buffer anyway), short enough that the markers stay few.
 */
export const FLUSH_MEMORY_MS = 24 * 3_600_000;
