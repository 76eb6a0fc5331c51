import { Writable } from 'node:stream';
import { createLogger } from '../../../src/ops/logger.js';
import type { RunningGatehouse } from '../../support/harness.js';
import { enrolApp, followLink, linkIn, personApi, signUp, startWithSmtp, stopWithSmtp, submitPage } from '../../support/accounts.js';
import type { SmtpSink } from '../../support/mail.js';
import { userAccessToken } from '../../support/tokens.js';
import { FormAgent, seedOAuth } from '../../support/oauth.js';

const lines: string[] = [];
const memory = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let server: RunningGatehouse;
let smtp: SmtpSink;

// trace: the most verbose level, so anything that logged a link, a code or a password would show
beforeAll(async () => ({ server, smtp } = await startWithSmtp({ logLevel: 'trace' }, { logger: createLogger('trace', memory) })));
afterAll(() => stopWithSmtp(server, smtp));

describe('the accounts flows', () => {
  it('log no password, link token, TOTP secret or recovery code, at any level', async () => {
    const secrets: string[] = ['sign-up passphrase 4e1f', 'the reset passphrase 9c2d'];
    await signUp(server.url, { email: 'logs@example.com', password: secrets[0], organization: 'Logs Co' });
    const verify = linkIn(await smtp.next(), '/verify-email');
    secrets.push(verify.searchParams.get('token')!);
    await followLink(server.url, verify);
    await submitPage(new FormAgent(), server.url, '/password/forgot', { email: 'logs@example.com' });
    const reset = linkIn(await smtp.next(), '/password/reset');
    secrets.push(reset.searchParams.get('token')!);
    await followLink(server.url, reset, { password: secrets[1], confirm: secrets[1] });

    const p = await seedOAuth(server.gatehouse);
    const api = personApi(server.url, await userAccessToken(server.url, p.client.clientId, p.clientSecret!, p, []));
    const { secret, recoveryCodes } = await enrolApp(api, p.password);
    secrets.push(secret, ...recoveryCodes, p.password);
    await server.gatehouse.accounts.background.drain();
    await server.gatehouse.mail.worker.drain();

    expect(lines.length).toBeGreaterThan(20);
    const text = lines.join('\n');
    for (const s of secrets) expect(text).not.toContain(s);
    // the links' requests were logged, their tokens redacted
    expect(text).toMatch(/"url":"\/verify-email\?token=\[REDACTED\]"/);
    expect(text).toMatch(/"url":"\/password\/reset\?token=\[REDACTED\]"/);
  });
});
