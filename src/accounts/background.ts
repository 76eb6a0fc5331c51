import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';

export interface BackgroundOptions {
  /**
   * A task starts this long after it was scheduled, plus up to as much again at random: well
   * after the answer has left, at a moment unrelated to the request that caused it, so it shows
   * in no request's timing (default 200 ms).
   */
  delayMs?: number;
  /** tasks waiting at most; beyond it new ones are dropped and logged (default 1000) */
  limit?: number;
}

/**
 * Work done after the answer has left: what a page must not be seen doing (looking an email up,
 * hashing a password, writing a link and its mail), so the answer and its timing are the same
 * whether or not the email has an account. Tasks start after a randomised delay and then run one
 * at a time. Bounded: a flood must not grow memory. A task lost to a crash before it ran is a
 * mail the person asks for again; what a task sends goes through the stored mail outbox.
 */
export class Background {
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private idle: Array<() => void> = [];
  private closed = false;
  private readonly delayMs: number;
  private readonly limit: number;

  constructor(private readonly logger: Logger, options: BackgroundOptions = {}) {
    this.delayMs = options.delayMs ?? 200;
    this.limit = options.limit ?? 1000;
  }

  /** Schedules `task` (its failure is logged under `label`, never its arguments). @returns false when dropped */
  run(label: string, task: () => Promise<void>): boolean {
    if (this.closed || this.waiting >= this.limit) {
      this.logger.warn({ task: label, waiting: this.waiting }, 'background task dropped');
      return false;
    }
    this.waiting++;
    const delay = this.delayMs > 0 ? this.delayMs + randomInt(this.delayMs + 1) : 0;
    setTimeout(() => {
      this.queue = this.queue
        .then(task)
        .catch((err: unknown) => this.logger.error({ err, task: label }, 'background task failed'))
        .finally(() => this.settled());
    }, delay).unref();
    return true;
  }

  private settled(): void {
    this.waiting--;
    if (this.waiting === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Resolves once every task scheduled so far has run. */
  drain(): Promise<void> {
    return this.waiting === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** Runs what is waiting, then refuses new tasks. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }
}
