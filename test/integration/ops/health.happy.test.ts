import request from 'supertest';
import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';

let gh: Gatehouse;
beforeAll(async () => { gh = await createTestGatehouse(); });
afterAll(async () => { await gh.close(); });

describe('operations endpoints', () => {
  it('answers /healthz with 200 while the process is up', async () => {
    const res = await request(gh.app.callback()).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the store answers', async () => {
    const res = await request(gh.app.callback()).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', store: 'sqlite' });
  });

  it('serves Prometheus text on /metrics, counting requests by family, method and status', async () => {
    await request(gh.app.callback()).get('/healthz');
    await request(gh.app.callback()).get('/no-such-page');
    const res = await request(gh.app.callback()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE gatehouse_http_requests_total counter');
    expect(res.text).toMatch(/gatehouse_http_requests_total\{family="healthz",method="GET",status="200"\} [1-9]/);
    expect(res.text).toMatch(/gatehouse_http_requests_total\{family="oauth",method="GET",status="404"\} [1-9]/);
    expect(res.text).toContain('gatehouse_http_request_duration_seconds_bucket');
  });

  it('keeps ids out of metric labels', async () => {
    await request(gh.app.callback()).get('/v1/organizations/org_01abcdefghjkmnpqrstvwxyz0/api-keys');
    const res = await request(gh.app.callback()).get('/metrics');
    expect(res.text).not.toContain('org_01abcdefghjkmnpqrstvwxyz0');
    expect(res.text).toMatch(/gatehouse_http_requests_total\{family="management"/);
  });
});
