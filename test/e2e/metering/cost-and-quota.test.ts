import { createServer, type Server } from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { forExpress, forHono, type MeteredPrincipal, type ResourceServerCore } from '../../../src/resource-server/index.js';
import { listen, type RunningExample } from '../../../examples/invoices.js';
import { createTestGatehouse } from '../../support/harness.js';
import { mintKey, seedOrganization } from '../../support/seed.js';

const PLANS = {
  free: { maxActiveKeys: 10, rateLimit: { limit: 6000, windowSeconds: 60 }, monthlyUnits: 'unlimited' },
  metered: { maxActiveKeys: 10, rateLimit: { limit: 6000, windowSeconds: 60 }, monthlyUnits: 10 },
};

/** What each adapter's API runs: `/work` declares cost 3 on authenticate, `/cheap` a cost(1) guard, `/jobs` consumes 4 when done. */
interface Ran { work: number; cheap: number; jobs: number }

function expressApi(rs: ResourceServerCore, ran: Ran) {
  const gate = forExpress(rs);
  const app = express();
  const principal = (req: express.Request) => (req as unknown as { principal: MeteredPrincipal }).principal;
  const h = (m: unknown) => m as express.RequestHandler;
  app.post('/work', h(gate.authenticate({ cost: 3 })), (_req, res) => { ran.work++; res.json({ done: true }); });
  app.get('/cheap', h(gate.authenticate()), h(gate.cost(1)), (_req, res) => { ran.cheap++; res.json({ done: true }); });
  app.post('/jobs', h(gate.authenticate()), (req, res) => { ran.jobs++; principal(req).consume(4); res.json({ done: true }); });
  return listen(createServer(app));
}

function honoApi(rs: ResourceServerCore, ran: Ran) {
  type Env = { Variables: { principal: MeteredPrincipal } };
  const gate = forHono(rs, { clientIp: () => '127.0.0.1' });
  const app = new Hono<Env>();
  app.post('/work', gate.authenticate({ cost: 3 }) as never, (c) => { ran.work++; return c.json({ done: true }); });
  app.get('/cheap', gate.authenticate() as never, gate.cost(1) as never, (c) => { ran.cheap++; return c.json({ done: true }); });
  app.post('/jobs', gate.authenticate() as never, (c) => { ran.jobs++; c.get('principal').consume(4); return c.json({ done: true }); });
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
}

describe.each([['Express', expressApi], ['Hono (fetch)', honoApi]] as const)('metering through %s, in process', (_name, build) => {
  let gh: Gatehouse;
  let api: RunningExample;
  const ran: Ran = { work: 0, cheap: 0, jobs: 0 };
  beforeAll(async () => {
    gh = await createTestGatehouse({ plans: PLANS, defaultPlan: 'free' });
    api = await build(gh.resourceServer, ran);
  });
  afterAll(async () => {
    await api.close();
    await gh.close();
  });
  const call = (method: 'GET' | 'POST', path: string, key: string) => fetch(`${api.url}${path}`, { method, headers: { 'X-API-Key': key } });

  it('counts declared costs and consume(n), then refuses with 429 quota_exceeded before the route runs', async () => {
    const org = await seedOrganization(gh, `m-${Math.random().toString(36).slice(2, 8)}`, 'metered');
    const { key, id } = await mintKey(gh, org.id, ['organizations:read', 'organizations:write']);
    const before = { ...ran };
    expect((await call('POST', '/work', key)).status).toBe(200); // 3
    expect((await call('POST', '/jobs', key)).status).toBe(200); // 7 (reported after the work)
    expect((await call('GET', '/cheap', key)).status).toBe(200); // 8
    expect((await call('POST', '/work', key)).status).toBe(429); // 8 + 3 > 10: refused, not run
    expect((await call('GET', '/cheap', key)).status).toBe(200); // 9: a cheaper route still fits
    const over = await call('POST', '/work', key);
    const body = (await over.json()) as { retry_after: number };
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(body).toMatchObject({ status: 429, code: 'quota_exceeded', reset: reset.toISOString() });
    expect(Number(over.headers.get('retry-after'))).toBe(body.retry_after);
    expect(Math.abs(body.retry_after - (reset.getTime() - Date.now()) / 1000)).toBeLessThan(5);
    expect({ work: ran.work - before.work, jobs: ran.jobs - before.jobs, cheap: ran.cheap - before.cheap }).toEqual({ work: 1, jobs: 1, cheap: 2 });
    await gh.metering.meter.flush();
    const hours = await gh.store.metering.hours(org.id, new Date(Date.now() - 3_600_000), new Date(Date.now() + 3_600_000), id);
    expect(hours).toHaveLength(1);
    expect(hours[0]).toMatchObject({ ok: 4, denied: 0, rateLimited: 2, units: 9 });
    expect(await gh.metering.reports.quota(org)).toMatchObject({ units: 10, used: 9 });
  });

  it('never counts a test key against the quota', async () => {
    const org = await seedOrganization(gh, `t-${Math.random().toString(36).slice(2, 8)}`, 'metered');
    const { key } = await mintKey(gh, org.id, ['organizations:read', 'organizations:write'], { environment: 'test' });
    for (let n = 0; n < 5; n++) expect((await call('POST', '/work', key)).status).toBe(200);
    await gh.metering.meter.flush();
    expect((await gh.metering.reports.quota(org)).used).toBe(0);
  });
});
