import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress, publicOnlyLookup } from '../../../src/net/outbound.js';
import { checkedFetch, MAX_FETCH_BYTES, publicFetch } from '../../../src/oauth/public-fetch.js';

describe('isPublicAddress', () => {
  it.each([
    ['93.184.216.34', true], ['2606:2800:220:1:248:1893:25c8:1946', true],
    ['127.0.0.1', false], ['10.1.2.3', false], ['172.16.0.1', false], ['192.168.1.1', false], ['169.254.169.254', false],
    ['100.64.0.1', false], ['0.0.0.0', false], ['::1', false], ['fc00::1', false], ['fe80::1', false], ['::ffff:127.0.0.1', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('publicFetch', () => {
  it('refuses loopback and private IP literals before any connection', async () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest/meta-data', 'https://10.0.0.1/jwks'])
      await expect(publicFetch(url)).rejects.toThrow(/not a public address/);
  });

  it('refuses a name that resolves to a loopback address, checked when the socket connects', async () => {
    let hits = 0;
    const server = createServer((_req, res) => { hits++; res.end('{}'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(publicFetch(`http://localhost:${port}/jwks`)).rejects.toThrow(/public addresses only/);
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('its lookup refuses a name with any non-public address', async () => {
    const refused = await new Promise<Error | null>((resolve) => publicOnlyLookup('localhost', {}, (err) => resolve(err)));
    expect(refused?.message).toMatch(/public addresses only/);
  });
});

describe('checkedFetch (with a test server the check lets through)', () => {
  const anyAddress = checkedFetch(() => true);
  let port: number;
  const server = createServer((req, res) => {
    if (req.url === '/moved') { res.writeHead(302, { location: '/jwks' }); return res.end(); }
    if (req.url === '/huge') return res.end('x'.repeat(MAX_FETCH_BYTES + 1));
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body })));
      return undefined;
    }
    res.setHeader('cache-control', 'max-age=300');
    res.end(JSON.stringify({ keys: [], accept: req.headers.accept }));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });

  it('answers like fetch: status, headers, body, and the request headers sent', async () => {
    const res = await anyAddress(`http://localhost:${port}/jwks`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('max-age=300');
    expect(await res.json()).toEqual({ keys: [], accept: 'application/json' });
  });

  it('does not follow redirects, and refuses a body over the limit', async () => {
    const moved = await anyAddress(`http://127.0.0.1:${port}/moved`);
    expect(moved.status).toBe(302);
    await expect(anyAddress(`http://127.0.0.1:${port}/huge`)).rejects.toThrow(/too large/);
  });

  it('posts a form body (a token request), and makes no other kind of request', async () => {
    const res = await anyAddress(`http://127.0.0.1:${port}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }),
    });
    expect(await res.json()).toEqual({ method: 'POST', type: 'application/x-www-form-urlencoded', body: 'grant_type=authorization_code&code=c' });
    await expect(anyAddress(`http://127.0.0.1:${port}/token`, { method: 'DELETE' })).rejects.toThrow(/DELETE requests are not made/);
  });
});
