import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { OPERATOR } from '../../../src/audit/actor.js';
import { withChecksum } from '../../../src/domain/api-keys/checksum.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { createLogger } from '../../../src/ops/logger.js';
import { githubSigner, reportBody } from '../../support/github-scanning.js';
import { createTestGatehouse } from '../../support/harness.js';
import { startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { PASSWORD } from '../../support/oauth.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const signer = githubSigner();
const PATH = '/v1/secret-scanning/github';
const FOUND_AT = 'https://github.com/octo/app/blob/4f1e0c2/config/prod.env';
let gh: Gatehouse;
let smtp: SmtpSink;
let receiver: WebhookReceiver;
let orgId: string;
let adminKey: string;
let logs = '';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const api = () => request(gh.app.callback());
const report = (tokens: string[], url = FOUND_AT) => {
  const body = reportBody(tokens, url);
  return api().post(PATH).set(signer.headers(body)).send(body);
};
const mint = async (name: string) => (await gh.apiKeys.create(OPERATOR, orgId, { name, permissions: ['api_keys:read'] })).key;

beforeAll(async () => {
  smtp = await startSmtpSink();
  receiver = await startWebhookReceiver();
  gh = await createTestGatehouse({
    smtpUrl: smtp.url, mail: { pollIntervalMs: 50, maxAttempts: 3, retryBaseMs: 50, leaseMs: 5000 },
    webhooks: { allowPrivateNetworks: true, pollIntervalMs: 20, reminders: { rotationAfterDays: 3650 } },
    secretScanning: { github: { publicKeys: [signer.publicKey] } },
  }, { logger: createLogger('info', new Writable({ write(chunk, _enc, done) { logs += chunk.toString(); done(); } })) });
  orgId = (await gh.identity.organizations.create({ slug: 'acme', name: 'Acme Rockets' })).id;
  await gh.identity.users.create({ email: 'ada@acme.test', password: PASSWORD, organizationId: orgId, roles: ['admin'] });
  adminKey = (await gh.apiKeys.create(OPERATOR, orgId, { name: 'admin', permissions: [...MANAGEMENT_PERMISSIONS] })).key;
  const { secret } = await gh.webhooks.endpoints.create(OPERATOR, orgId, { url: receiver.url, events: ['api_key.leaked', 'api_key.revoked'] });
  receiver.secrets.push(secret);
});
afterAll(async () => {
  await receiver.close();
  await gh.close();
  await smtp.close();
});

describe('GitHub secret scanning: a signed report', () => {
  it('labels each token, revokes a real key (default policy), and tells the webhook, the audit log and the admins where it was found', async () => {
    const key = await mint('deploy bot');
    const lookalike = withChecksum(key.slice(0, -7) + (key.at(-7) === 'a' ? 'b' : 'a'));
    const res = await report([key, lookalike, 'not-a-key']).expect(200);
    expect(res.body).toEqual([
      { token_hash: sha256(key), token_type: 'gatehouse_api_key', label: 'true_positive' },
      { token_hash: sha256(lookalike), token_type: 'gatehouse_api_key', label: 'false_positive' },
      { token_hash: sha256('not-a-key'), token_type: 'gatehouse_api_key', label: 'false_positive' },
    ]);
    await api().get('/v1/organizations/acme/api-keys').set('X-API-Key', key).expect(401);

    await receiver.waitForMessages(2);
    const messages = [...receiver.messages.values()];
    const leaked = messages.find((m) => m.type === 'api_key.leaked')!;
    expect(leaked.data).toMatchObject({ source: 'github:content', url: FOUND_AT, action: 'revoked', api_key: { name: 'deploy bot', status: 'revoked' } });
    expect(messages.find((m) => m.type === 'api_key.revoked')!.data).toMatchObject({ reason: 'leaked' });

    const audit = await api().get('/v1/organizations/acme/audit-logs?limit=50').set('X-API-Key', adminKey).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['api_key.leaked', 'api_key.revoked']));

    const mail = await smtp.next(10_000);
    expect(smtp.recipients.at(-1)).toEqual(['ada@acme.test']);
    expect(mail.subject).toBe('[Acme Rockets] API key "deploy bot" was found in public');
    expect(mail.text).toContain(FOUND_AT);
    expect(mail.text).toContain('Gatehouse revoked it.');

    for (const text of [JSON.stringify(res.body), JSON.stringify(audit.body), mail.text ?? '', mail.html || '', logs, ...receiver.requests.map((r) => r.body)]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(10, 40));
    }
    expect(logs).toContain('secret scanning report handled');
  });

  it("applies an organization's notify policy (set by an admin): the key keeps working, one alert per place however often GitHub repeats it", async () => {
    const patched = await api().patch('/v1/organizations/acme').set('X-API-Key', adminKey).send({ leaked_key_policy: 'notify' }).expect(200);
    expect(patched.body.leaked_key_policy).toBe('notify');
    const key = await mint('notify me');
    receiver.messages.clear();
    smtp.discard();
    for (let i = 0; i < 3; i++) expect((await report([key]).expect(200)).body[0].label).toBe('true_positive');
    await report([key], 'https://github.com/octo/other/blob/1/x.js').expect(200);
    await api().get('/v1/organizations/acme/api-keys').set('X-API-Key', key).expect(200);

    await receiver.waitForMessages(2);
    await new Promise((r) => setTimeout(r, 300));
    const leaks = [...receiver.messages.values()].filter((m) => m.type === 'api_key.leaked');
    expect(leaks.map((m) => m.data.url).sort()).toEqual(['https://github.com/octo/other/blob/1/x.js', FOUND_AT].sort());
    expect(leaks.every((m) => m.data.action === 'notified')).toBe(true);
    expect((await smtp.next(10_000)).text).toContain('Revoke it now.');
    await api().patch('/v1/organizations/acme').set('X-API-Key', adminKey).send({ leaked_key_policy: 'revoke' }).expect(200);
  });

  it('labels a key revoked before as a true positive and does nothing more', async () => {
    const key = await mint('old');
    const [id] = (await gh.store.apiKeys.list(orgId, { now: new Date() }, { limit: 1, cursor: null })).items.map((k) => k.id);
    await gh.apiKeys.revoke(OPERATOR, orgId, id);
    const before = (await gh.store.audit.list(orgId, { limit: 500 })).items.length;
    expect((await report([key]).expect(200)).body[0].label).toBe('true_positive');
    expect((await gh.store.audit.list(orgId, { limit: 500 })).items.length).toBe(before);
  });

  it('revokes a leaked server-scoped key whatever any organization chose', async () => {
    const { key } = await gh.apiKeys.create(OPERATOR, null, { name: 'root', permissions: ['organizations:read'] });
    expect((await report([key]).expect(200)).body[0].label).toBe('true_positive');
    await api().get('/v1/organizations').set('X-API-Key', key).expect(401);
  });
});
