import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { FormAgent } from '../../support/oauth.js';

/** The verification page as an attacker guessing user codes, or forging its form, meets it. */
let server: RunningGatehouse;
beforeAll(async () => {
  server = await startTestServer({ throttles: { failedAuthPerIp: { limit: 100, windowSeconds: 60 }, loginPerAccount: { limit: 5, windowSeconds: 900 }, loginPerIp: { limit: 3, windowSeconds: 900 } } });
});
afterAll(async () => { await server.stop(); });

const xsrfOf = (html: string) => /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('the device verification page', () => {
  it('refuses a code posted without the form\'s xsrf token', async () => {
    const agent = new FormAgent();
    await agent.request(`${server.url}/device`);
    const res = await agent.request(`${server.url}/device`, { form: { user_code: 'BCDF-GHJK', xsrf: 'forged' } });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('Is this your device?');
  });

  it('throttles code entry per address: over the budget, 429 with Retry-After before any lookup', async () => {
    await server.gatehouse.store.rateLimits.reset('device-code-ip:127.0.0.1');
    const agent = new FormAgent();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const xsrf = xsrfOf(await (await agent.request(`${server.url}/device`)).text());
      const res = await agent.request(`${server.url}/device`, { form: { user_code: 'BCDF-GHJK', xsrf } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await res.text()).toContain('Too many codes were entered');
      }
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});
