import type { Logger } from 'pino';

/** A task run every so often; `stop` waits for a run in progress. */
export interface Periodic {
  /** runs the task now (or joins the run in progress) */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once, a failure logged (the next run tries
 * again). The timer is unref'd: it never keeps a process alive. A run that reports more work
 * waiting (`true`) is followed at once by another.
 */
export function every(intervalMs: number, name: string, logger: Logger, task: () => Promise<boolean | void>): Periodic {
  let running: Promise<void> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void runNow(), ms);
    timer.unref();
  };

  function runNow(): Promise<void> {
    if (running) return running;
    if (timer) clearTimeout(timer);
    running = (async () => {
      let more = false;
      try {
        more = (await task()) === true;
      } catch (err) {
        logger.error({ err, task: name }, `${name} failed; will retry`);
      } finally {
        running = null;
        schedule(more ? 0 : intervalMs);
      }
    })();
    return running;
  }

  schedule(0);
  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
