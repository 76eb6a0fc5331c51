import { Metrics, routeFamily } from '../../../src/ops/metrics.js';

describe('metrics', () => {
  it('counts through bound children exactly, as seen by every scrape', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const ok = metrics.authentications.labels({ kind: 'api_key', outcome: 'ok' });
    const bad = metrics.authentications.labels({ kind: 'jwt', outcome: 'invalid' });
    for (let i = 0; i < 5; i++) ok.inc();
    bad.inc();
    metrics.authentications.inc({ kind: 'api_key', outcome: 'ok' });
    let text = await metrics.registry.getSingleMetricAsString('gatehouse_authentications_total');
    expect(text).toContain('gatehouse_authentications_total{kind="api_key",outcome="ok"} 6');
    expect(text).toContain('gatehouse_authentications_total{kind="jwt",outcome="invalid"} 1');
    ok.inc(2);
    // the same labels bound twice share one series
    metrics.authentications.labels({ kind: 'api_key', outcome: 'ok' }).inc();
    text = await metrics.registry.metrics();
    expect(text).toContain('gatehouse_authentications_total{kind="api_key",outcome="ok"} 9');
    expect((await metrics.authentications.get()).values.find((v) => v.labels.kind === 'jwt')?.value).toBe(1);
  });

  it('forgets pending counts on reset and refuses negative increments and unknown labels', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const child = metrics.httpRequests.labels({ family: 'oauth', method: 'POST', status: '200' });
    child.inc();
    metrics.registry.resetMetrics();
    child.inc();
    expect(await metrics.registry.getSingleMetricAsString('gatehouse_http_requests_total'))
      .toContain('gatehouse_http_requests_total{family="oauth",method="POST",status="200"} 1');
    expect(() => child.inc(-1)).toThrow(TypeError);
    expect(() => metrics.authentications.labels({ nope: 'x' } as never)).toThrow();
  });

  it('names route families by the first path segment only', () => {
    expect(routeFamily('/v1/organizations/org_1')).toBe('management');
    expect(routeFamily('/.well-known/openid-configuration')).toBe('discovery');
    expect(routeFamily('/healthz')).toBe('healthz');
    expect(routeFamily('/metrics')).toBe('metrics');
    expect(routeFamily('/openapi.json')).toBe('openapi.json');
    expect(routeFamily('/')).toBe('root');
    expect(routeFamily('/token/introspection')).toBe('oauth');
    expect(routeFamily('/token')).toBe('oauth');
  });
});
