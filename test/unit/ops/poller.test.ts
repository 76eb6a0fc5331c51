import pino from 'pino';
import { Poller } from '../../../src/ops/poller.js';

const logger = pino({ level: 'silent' });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Poller', () => {
  it('never overlaps runs; a kick during a run makes one more run right after it', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => {};
    const firstRunHeld = new Promise<void>((r) => { release = r; });
    const poller = new Poller({ name: 't', intervalMs: 60_000, logger, task: async () => {
      maxActive = Math.max(maxActive, ++active);
      if (++runs === 1) await firstRunHeld;
      active--;
    } });
    poller.kick();
    await tick();
    poller.kick();
    poller.kick();
    await tick();
    expect(runs).toBe(1);
    release();
    for (let i = 0; i < 100 && runs < 2; i++) await tick();
    await tick();
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    await poller.stop();
  });

  it('runs again at once while a run reports more work, and drains until none is left', async () => {
    let left = 5;
    const poller = new Poller({ name: 't', intervalMs: 60_000, logger, task: async () => --left > 0 });
    await poller.drain();
    expect(left).toBe(0);
  });

  it('logs a failed run and tries again at the next interval', async () => {
    const errors: string[] = [];
    const spy = pino({ level: 'error' }, { write: (line: string) => { errors.push(JSON.parse(line).msg); } });
    let runs = 0;
    const poller = new Poller({ name: 'flaky job', intervalMs: 10, logger: spy, task: async () => {
      if (++runs === 1) throw new Error('down');
    } });
    poller.start();
    for (let i = 0; i < 100 && runs < 3; i++) await tick();
    await poller.stop();
    expect(errors).toEqual(['flaky job failed; will retry']);
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('stops: waits for the run in progress, and nothing runs after', async () => {
    let runs = 0;
    let finished = false;
    const poller = new Poller({ name: 't', intervalMs: 5, logger, task: async () => {
      runs++;
      await tick();
      finished = true;
    } });
    poller.start();
    await poller.stop();
    expect(finished).toBe(true);
    const after = runs;
    poller.kick();
    await tick();
    await tick();
    expect(runs).toBe(after);
  });
});
