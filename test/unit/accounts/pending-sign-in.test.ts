import { randomBytes } from 'node:crypto';
import { PendingSignIns } from '../../../src/oauth/interactions/pending-sign-in.js';

describe('pending sign-ins', () => {
  let now = 1_800_000_000_000;
  const pending = new PendingSignIns(randomBytes(32), () => now);
  const base = { uid: 'uid-1', userId: 'usr_1', stage: 'second_factor' as const, amr: ['pwd'] };

  it('are read back by the interaction they belong to, at the stages asked for', () => {
    const token = pending.issue(base);
    expect(pending.read('uid-1', token, ['second_factor'])).toMatchObject(base);
    expect(pending.read('uid-2', token, ['second_factor'])).toBeNull();
    expect(pending.read('uid-1', token, ['enrolled', 'enrol'])).toBeNull();
  });

  it('refuse an edited body, another key\'s token, garbage, and an expired one (10 minutes)', () => {
    const token = pending.issue(base);
    const [body, mac] = token.split('.');
    const edited = Buffer.from(JSON.stringify({ ...base, userId: 'usr_2', exp: 9e9 })).toString('base64url');
    expect(pending.read('uid-1', `${edited}.${mac}`, ['second_factor'])).toBeNull();
    expect(new PendingSignIns(randomBytes(32), () => now).read('uid-1', token, ['second_factor'])).toBeNull();
    for (const junk of [undefined, '', 'x', `${body}.`, `.${mac}`, 'a'.repeat(5000)]) expect(pending.read('uid-1', junk, ['second_factor'])).toBeNull();
    now += 601_000;
    expect(pending.read('uid-1', token, ['second_factor'])).toBeNull();
  });
});
