import type { Logger } from 'pino';

export interface PollerOptions {
  /** names the task in the log when a run fails */
  name: string;
  /** the pause after each run before the next */
  intervalMs: number;
  logger: Logger;
  /** one run; `true` reports more work waiting, and the next run follows at once */
  task: () => Promise<boolean | void>;
}

/**
 * Background work done by polling (the mail outbox, webhook deliveries, the reminder sweep):
 * runs never overlap; a run that reports more work waiting is followed at once, otherwise the
 * next comes `intervalMs` later; a run that throws is logged and the next one tries again; a
 * `kick` (new work just stored) runs now, or once more right after the run in progress so the
 * new work is not left for the next interval. The timer is unref'd: it never keeps a process alive.
 */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  constructor(private readonly options: PollerOptions) {}

  /** Starts polling with a run now. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.kick();
  }

  /** Runs now, or once more right after the run in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.runUntilIdle().finally(() => {
      this.running = null;
      this.schedule();
    });
  }

  /** Runs until a run reports no more work; resolves when done (tests, and callers that must see the work done). */
  async drain(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Stops polling and waits for the run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
  }

  private async runUntilIdle(): Promise<void> {
    do {
      this.again = false;
      try {
        if ((await this.options.task()) === true) this.again = true;
      } catch (err) {
        this.options.logger.error({ err, task: this.options.name }, `${this.options.name} failed; will retry`);
      }
    } while (this.again && !this.stopped);
  }

  private schedule(): void {
    if (!this.started || this.stopped) return;
    this.timer = setTimeout(() => this.kick(), this.options.intervalMs);
    this.timer.unref();
  }
}
