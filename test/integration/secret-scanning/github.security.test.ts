import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { githubSigner, reportBody } from '../../support/github-scanning.js';
import { createTestGatehouse } from '../../support/harness.js';

const PATH = '/v1/secret-scanning/github';
const github = githubSigner('github-key-1');
/** a key pair of another deployment's configuration (or an attacker's), under GitHub's key id */
const impostor = githubSigner('github-key-1');
const other = githubSigner('other-key');
let gh: Gatehouse;
let orgId: string;
const api = () => request(gh.app.callback());
const mint = async () => (await gh.apiKeys.create(OPERATOR, orgId, { name: 'k', permissions: ['api_keys:read'] })).key;
const isActive = async (key: string) => (await api().get('/v1/organizations/acme/api-keys').set('X-API-Key', key)).status === 200;

beforeAll(async () => {
  gh = await createTestGatehouse({ secretScanning: { github: { publicKeys: [github.publicKey], maxBodyBytes: 4096 } } });
  orgId = (await gh.identity.organizations.create({ slug: 'acme' })).id;
  await gh.identity.users.create({ email: 'ada@acme.test', password: 'correct horse battery staple', organizationId: orgId, roles: ['admin'] });
});
afterAll(() => gh.close());

describe('GitHub secret scanning: only GitHub may report', () => {
  it('answers an unsigned report 401 problem+json, the same whether the token is a real key or not, and touches nothing', async () => {
    const key = await mint();
    const answers = [];
    for (const token of [key, `${key.slice(0, -1)}x`]) {
      const res = await api().post(PATH).set('Content-Type', 'application/json').send(reportBody([token]));
      answers.push({ status: res.status, type: res.type, body: res.body });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ status: 401, type: 'application/problem+json', body: { code: 'invalid_signature' } });
    expect(await isActive(key)).toBe(true);
  });

  it('refuses a signature by a key not in the configuration, even under a configured key id, and an unknown key id', async () => {
    const key = await mint();
    for (const signer of [impostor, other]) {
      const body = reportBody([key]);
      const res = await api().post(PATH).set(signer.headers(body)).send(body);
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toMatch(/true_positive|false_positive/);
    }
    expect(await isActive(key)).toBe(true);
  });

  it('refuses a body changed after signing, a signature that is not base64 DER, and a signature of another body', async () => {
    const key = await mint();
    const signed = reportBody([`${key.slice(0, -1)}x`]);
    const headers = github.headers(signed);
    const tampered = reportBody([key]);
    for (const [body, h] of [
      [tampered, headers],
      [tampered, { ...headers, 'Github-Public-Key-Signature': '!!!not base64!!!' }],
      [tampered, { ...headers, 'Github-Public-Key-Signature': Buffer.alloc(70, 7).toString('base64') }],
      [tampered, { ...headers, 'Github-Public-Key-Signature': '' }],
    ] as const) {
      const res = await api().post(PATH).set(h).send(body);
      expect(res.status).toBe(401);
      expect(res.type).toBe('application/problem+json');
    }
    expect(await isActive(key)).toBe(true);
  });

  it('answers signed garbage 400 problem+json (never 500), and an oversized body 413 before verifying anything', async () => {
    for (const body of ['{not json', '{"token":"x"}', '[]', '[{"token":"","type":"t"}]', '[{"token":42,"type":"t"}]', '"text"', 'null']) {
      const res = await api().post(PATH).set(github.headers(body)).send(body);
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
    }
    const big = reportBody(Array.from({ length: 60 }, (_, i) => `token-${i}-${'x'.repeat(80)}`));
    const res = await api().post(PATH).set(github.headers(big)).send(big);
    expect(res.status).toBe(413);
    expect((await api().get(PATH)).status).toBe(405);
  });

  it('lets only a caller holding all an admin holds change the leaked-key policy', async () => {
    const writer = (await gh.apiKeys.create(OPERATOR, orgId, { name: 'w', permissions: ['organizations:read', 'organizations:write'] })).key;
    const refused = await api().patch('/v1/organizations/acme').set('X-API-Key', writer).send({ leaked_key_policy: 'notify' });
    expect(refused.status).toBe(403);
    expect((await gh.store.organizations.findById(orgId))!.leakedKeyPolicy).toBe('revoke');
    const admin = (await gh.apiKeys.create(OPERATOR, orgId, { name: 'a', permissions: [...MANAGEMENT_PERMISSIONS] })).key;
    const bad = await api().patch('/v1/organizations/acme').set('X-API-Key', admin).send({ leaked_key_policy: 'ignore' });
    expect(bad.status).toBe(400);
    const test = (await gh.apiKeys.create(OPERATOR, orgId, { name: 't', permissions: [...MANAGEMENT_PERMISSIONS], environment: 'test' })).key;
    expect((await api().patch('/v1/organizations/acme').set('X-API-Key', test).send({ leaked_key_policy: 'notify' })).status).toBe(403);
    const otherOrg = await gh.identity.organizations.create({ slug: 'globex' });
    const outsider = (await gh.apiKeys.create(OPERATOR, otherOrg.id, { name: 'o', permissions: [...MANAGEMENT_PERMISSIONS] })).key;
    expect((await api().patch('/v1/organizations/acme').set('X-API-Key', outsider).send({ leaked_key_policy: 'notify' })).status).toBe(404);
    expect((await gh.store.organizations.findById(orgId))!.leakedKeyPolicy).toBe('revoke');
  });
});

describe("GitHub secret scanning: GitHub's published keys fetched (option)", () => {
  let list: Server;
  let url: string;
  let fetches = 0;
  beforeAll(async () => {
    list = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ public_keys: [{ key_identifier: github.keyIdentifier, key: github.publicKey.key, is_current: true }] }));
    });
    await new Promise<void>((resolve) => list.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(list.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  });
  afterAll(() => new Promise<void>((resolve) => list.close(() => resolve())));

  it('verifies with a fetched key, and refetches at most once per refresh interval whatever the requests name', async () => {
    const fetching = await createTestGatehouse({ secretScanning: { github: { fetchKeys: true, keysUrl: url, allowPrivateNetworks: true } } });
    try {
      const body = reportBody(['nothing']);
      expect((await request(fetching.app.callback()).post(PATH).set(github.headers(body)).send(body)).body[0].label).toBe('false_positive');
      for (let i = 0; i < 5; i++) {
        const forged = reportBody([`n${i}`]);
        expect((await request(fetching.app.callback()).post(PATH).set(other.headers(forged)).send(forged)).status).toBe(401);
      }
      expect(fetches).toBe(1);
    } finally {
      await fetching.close();
    }
  });

  it('fetches only through the outbound guard: a private address is refused unless allowed, and the request is 401', async () => {
    const guarded = await createTestGatehouse({ secretScanning: { github: { fetchKeys: true, keysUrl: url } } });
    try {
      const before = fetches;
      const body = reportBody(['nothing']);
      expect((await request(guarded.app.callback()).post(PATH).set(github.headers(body)).send(body)).status).toBe(401);
      expect(fetches).toBe(before);
    } finally {
      await guarded.close();
    }
  });
});
