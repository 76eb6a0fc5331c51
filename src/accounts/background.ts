import type { Logger } from 'pino';

/**
 * Work done after the answer has left: what a page must not be seen doing (looking an email up,
 * hashing a password, writing a link and its mail), so the answer and its timing are the same
 * whether or not the email has an account. Tasks run one at a time, in order. Bounded: beyond
 * `limit` waiting tasks new ones are dropped and logged (a flood must not grow memory); a task
 * lost to a crash before it ran is a mail the person asks for again. What a task sends goes
 * through the stored mail outbox.
 */
export class Background {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private closed = false;

  constructor(private readonly logger: Logger, private readonly limit = 1000) {}

  /** Schedules `task` (its failure is logged under `label`, never its arguments). @returns false when dropped */
  run(label: string, task: () => Promise<void>): boolean {
    if (this.closed || this.waiting >= this.limit) {
      this.logger.warn({ task: label, waiting: this.waiting }, 'background task dropped');
      return false;
    }
    this.waiting++;
    this.tail = this.tail
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(task)
      .catch((err: unknown) => this.logger.error({ err, task: label }, 'background task failed'))
      .finally(() => {
        this.waiting--;
      });
    return true;
  }

  /** Resolves once every task scheduled so far has run. */
  async drain(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  /** Runs what is waiting, then refuses new tasks. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }
}
