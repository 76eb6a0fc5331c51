/**
 * What API-key usage and metering share: a buffer written in batches on an unref'd timer, each
 * batch sent until acknowledged. A batch whose write failed is sent again as it was (same id,
 * same counts) before anything newer, so a store that applies an id once counts it once whether
 * the failure came before the write or after it (a lost acknowledgement).
 */
export abstract class BatchedWriter<B> {
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private unacknowledged: B | null = null;

  constructor(private readonly flushMs: number) {}

  /** the buffered counts as the next batch (emptying the buffer), or null when there are none */
  protected abstract take(): B | null;
  /** one attempt at writing a batch: whether it was acknowledged */
  protected abstract send(batch: B): Promise<boolean>;

  /** Writes everything buffered; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.unacknowledged && !(await this.send(this.unacknowledged))) return;
    this.unacknowledged = null;
    const batch = this.take();
    if (batch && !(await this.send(batch))) this.unacknowledged = batch;
  }

  /** Starts the periodic flush (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
