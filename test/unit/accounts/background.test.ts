import pino from 'pino';
import { Background } from '../../../src/accounts/background.js';

describe('background work after an answer', () => {
  it('starts after the delay, one task at a time, in order; drain waits for all of it', async () => {
    const background = new Background(pino({ level: 'silent' }), { delayMs: 20 });
    const events: string[] = [];
    const started = Date.now();
    let running = 0;
    for (const name of ['a', 'b', 'c']) {
      background.run(name, async () => {
        running++;
        expect(running).toBe(1);
        events.push(`${name}@${Date.now() - started >= 20 ? 'late' : 'early'}`);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      });
    }
    expect(events).toEqual([]);
    await background.drain();
    expect(events.map((e) => e.split('@')[1])).toEqual(['late', 'late', 'late']);
    expect(events.map((e) => e[0]).sort()).toEqual(['a', 'b', 'c']);
  });

  it('logs a failing task by its label only and goes on; drops tasks past its bound and after close', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { logged.push(JSON.parse(line)); } });
    const background = new Background(logger, { delayMs: 0, limit: 2 });
    let ran = 0;
    expect(background.run('boom', async () => { throw new Error('no'); })).toBe(true);
    expect(background.run('fine', async () => { ran++; })).toBe(true);
    expect(background.run('one too many', async () => { ran++; })).toBe(false);
    await background.close();
    expect(ran).toBe(1);
    expect(background.run('after close', async () => { ran++; })).toBe(false);
    expect(logged.map((l) => [l.task, l.msg])).toEqual([
      ['one too many', 'background task dropped'], ['boom', 'background task failed'], ['after close', 'background task dropped'],
    ]);
  });
});
