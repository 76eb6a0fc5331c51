import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attemptDelivery, type AttemptInput } from '../../../src/webhooks/sender.js';
import { endpointUrlProblem } from '../../../src/webhooks/url-policy.js';

describe('webhook URLs an endpoint may have', () => {
  it.each([
    'http://hooks.example.com/x', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.10/x', 'https://169.254.169.254/latest',
    'https://[::1]/x', 'https://[fd00::1]/x', 'https://100.64.0.1/x', 'https://0.0.0.0/x', 'https://localhost/x', 'https://db.internal/x',
    'https://printer.local/x', 'https://u:p@hooks.example.com/x', 'file:///etc/passwd', 'gopher://hooks.example.com/',
  ])('refuses %s where private networks are not allowed', (url) => {
    expect(endpointUrlProblem(url, false)).not.toBeNull();
  });

  it('accepts a public https URL, and (private networks allowed) http and private addresses', () => {
    expect(endpointUrlProblem('https://hooks.example.com/gatehouse?tenant=7', false)).toBeNull();
    expect(endpointUrlProblem('http://127.0.0.1:8080/x', true)).toBeNull();
    expect(endpointUrlProblem('ftp://127.0.0.1/x', true)).not.toBeNull();
  });
});

describe('webhook delivery attempts', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === '/moved') { res.writeHead(307, { location: '/elsewhere' }); return res.end(); }
      if (req.url === '/slow') return; // never answers
      if (req.url === '/huge') { res.writeHead(200); return res.end('x'.repeat(5_000_000)); }
      res.writeHead(req.url === '/error' ? 500 : 204);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => { hits.length = 0; });

  const attempt = (url: string, over: Partial<AttemptInput> = {}) => attemptDelivery({
    url, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], delivery: { eventId: 'evt_1', payload: '{}' }, at: new Date(),
    allowPrivateNetworks: false, timeoutMs: 2000, ...over,
  });

  it('refuses http, private IP literals and names resolving to loopback, before any request leaves', async () => {
    expect(await attempt(`http://hooks.example.com:${port}/x`)).toMatchObject({ ok: false, statusCode: null, error: 'refused: https is required' });
    expect((await attempt(`https://127.0.0.1:${port}/x`)).error).toMatch(/^refused: 127\.0\.0\.1 is not a public address/);
    // "localhost" passes no URL rule at send time: the address it resolves to is checked when the socket connects
    expect((await attempt(`http://localhost:${port}/x`, { allowPrivateNetworks: false })).error).toMatch(/refused/);
    expect((await attempt(`https://localhost:${port}/x`)).error).toMatch(/^refused: localhost does not resolve to public addresses only/);
    expect(hits).toEqual([]);
  });

  it('with private networks allowed, reaches a loopback receiver: 2xx succeeds, anything else fails', async () => {
    expect(await attempt(`http://localhost:${port}/ok`, { allowPrivateNetworks: true })).toEqual({ ok: true, statusCode: 204, error: null });
    expect(await attempt(`http://127.0.0.1:${port}/error`, { allowPrivateNetworks: true })).toEqual({ ok: false, statusCode: 500, error: 'HTTP 500' });
  });

  it('follows no redirect: a 3xx is a failure and its target is never asked', async () => {
    expect(await attempt(`http://127.0.0.1:${port}/moved`, { allowPrivateNetworks: true })).toMatchObject({ ok: false, statusCode: 307 });
    expect(hits).toEqual(['/moved']);
  });

  it('gives up on a receiver that does not answer within the time limit', async () => {
    const started = Date.now();
    const result = await attempt(`http://127.0.0.1:${port}/slow`, { allowPrivateNetworks: true, timeoutMs: 300 });
    expect(result).toEqual({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never reads a response body: a huge one costs nothing', async () => {
    expect(await attempt(`http://127.0.0.1:${port}/huge`, { allowPrivateNetworks: true })).toEqual({ ok: true, statusCode: 200, error: null });
  });
});
