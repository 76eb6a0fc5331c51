import { createTestGatehouse } from '../../support/harness.js';
import type { Gatehouse } from '../../../src/gatehouse.js';
import { ApiKeyService } from '../../../src/api-keys/service.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { Events } from '../../../src/events/emitter.js';
import { OPERATOR, type Caller } from '../../../src/audit/actor.js';
import { digestApiKey, parseApiKey } from '../../../src/domain/api-keys/format.js';
import type { Principal } from '../../../src/domain/principal.js';
import type { HttpProblem } from '../../../src/http/problem.js';
import type { Organization } from '../../../src/store/ports.js';

let gh: Gatehouse;
let acme: Organization;
let globex: Organization;
let clock: Date;
let changed: string[];
let service: ApiKeyService;

const keyCaller = (organization: string | null, permissions: string[], environment: 'live' | 'test' = 'live'): Caller => {
  const principal: Principal = { type: 'api_key', subject: 'key_caller', organization, environment, permissions, key_id: 'key_caller' };
  return { principal, ip: '203.0.113.7' };
};

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  try {
    await promise;
  } catch (err) {
    return err as HttpProblem;
  }
  throw new Error('expected a problem');
}

beforeAll(async () => {
  gh = await createTestGatehouse();
  acme = await gh.identity.organizations.create({ slug: 'acme' });
  globex = await gh.identity.organizations.create({ slug: 'globex' });
  await gh.identity.resources.create(OPERATOR, acme.id, { identifier: 'https://api.acme.test', permissions: ['invoices:read', 'invoices:write'] });
});
afterAll(() => gh.close());

beforeEach(() => {
  clock = new Date('2030-01-01T00:00:00Z');
  changed = [];
  service = new ApiKeyService({
    store: gh.store, secrets: gh.secrets, audit: new AuditLog({ store: gh.store.audit, logger: gh.logger, now: () => clock }),
    events: new Events({ store: gh.store, now: () => clock }),
    organizations: gh.identity.organizations, permissions: gh.identity.permissions,
    onChange: (id) => changed.push(id), now: () => clock,
  });
});

describe('ApiKeyService', () => {
  it('creates a key whose plaintext is returned once and whose record holds only a keyed digest', async () => {
    const { record, key } = await service.create(OPERATOR, acme.id, { name: 'billing', permissions: ['invoices:read'], expiresInSeconds: 3600 });
    expect(parseApiKey(gh.secrets, key)).toMatchObject({ ok: true, id: record.id, environment: 'live' });
    const stored = await gh.store.apiKeys.findById(record.id);
    expect(stored!.digest).toBe(digestApiKey(gh.secrets, key));
    expect(JSON.stringify(stored)).not.toContain(key.slice(8));
    expect(stored).toMatchObject({ organizationId: acme.id, createdBy: 'cli', permissions: ['invoices:read'] });
    expect(stored!.expiresAt!.getTime()).toBe(clock.getTime() + 3_600_000);
    expect(changed).toEqual([record.id]);
  });

  it('refuses a permission the creator lacks, naming it', async () => {
    const caller = keyCaller(acme.id, ['api_keys:write', 'invoices:read']);
    const problem = await problemOf(service.create(caller, acme.id, { name: 'x', permissions: ['invoices:read', 'users:write'] }));
    expect(problem.status).toBe(403);
    expect(problem.code).toBe('permission_escalation');
    expect(problem.detail).toContain('users:write');
  });

  it('answers 404 for another organization, whatever the caller holds', async () => {
    const problem = await problemOf(service.create(keyCaller(globex.id, ['api_keys:write', 'api_keys:read']), acme.id, { name: 'x', permissions: ['api_keys:read'] }));
    expect(problem.status).toBe(404);
  });

  it('refuses permissions outside the organization vocabulary with 400', async () => {
    const problem = await problemOf(service.create(OPERATOR, globex.id, { name: 'x', permissions: ['invoices:read'] }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain('invoices:read');
  });

  it('lets a test key mint only test keys', async () => {
    const caller = keyCaller(acme.id, ['api_keys:write', 'invoices:read'], 'test');
    expect((await problemOf(service.create(caller, acme.id, { name: 'x', permissions: ['invoices:read'] }))).code).toBe('environment_escalation');
    const { record } = await service.create(caller, acme.id, { name: 'x', permissions: ['invoices:read'], environment: 'test' });
    expect(record.createdBy).toBe('api_key:key_caller');
  });

  it('narrows permissions on update but never widens past the caller', async () => {
    const { record } = await service.create(OPERATOR, acme.id, { name: 'n', permissions: ['invoices:read'] });
    const caller = keyCaller(acme.id, ['api_keys:write', 'invoices:read']);
    expect((await problemOf(service.update(caller, acme.id, record.id, { permissions: ['invoices:read', 'invoices:write'] }))).status).toBe(403);
    const narrowed = await service.update(caller, acme.id, record.id, { permissions: ['invoices:read'], name: 'narrow' });
    expect(narrowed).toMatchObject({ permissions: ['invoices:read'], name: 'narrow' });
  });

  it('never lets a weaker caller narrow, change or revoke a stronger key', async () => {
    const { record } = await service.create(OPERATOR, acme.id, { name: 'strong', permissions: ['invoices:read', 'invoices:write'] });
    const weaker = keyCaller(acme.id, ['api_keys:write', 'invoices:read']);
    for (const attempt of [
      service.update(weaker, acme.id, record.id, { permissions: ['invoices:read'] }),
      service.update(weaker, acme.id, record.id, { rateLimit: null }),
      service.revoke(weaker, acme.id, record.id),
    ]) expect(await problemOf(attempt)).toMatchObject({ status: 403, code: 'permission_escalation' });
    expect(await gh.store.apiKeys.findById(record.id)).toEqual(record);
    await service.revoke(OPERATOR, acme.id, record.id);
  });

  it('rotates: the successor inherits everything, the old key expires at the end of the grace period', async () => {
    const { record: old } = await service.create(OPERATOR, acme.id, {
      name: 'rotating', permissions: ['invoices:read'], ipAllowlist: ['10.0.0.0/8'], rateLimit: { limit: 5, windowSeconds: 60 },
    });
    const { record: next, key } = await service.rotate(OPERATOR, acme.id, old.id, 3600);
    expect(next).toMatchObject({ name: 'rotating', permissions: ['invoices:read'], ipAllowlist: ['10.0.0.0/8'], rateLimit: { limit: 5, windowSeconds: 60 } });
    expect(parseApiKey(gh.secrets, key)).toMatchObject({ ok: true, id: next.id });
    const after = await gh.store.apiKeys.findById(old.id);
    expect(after!.rotatedTo).toBe(next.id);
    expect(after!.expiresAt!.getTime()).toBe(clock.getTime() + 3_600_000);
    expect(service.status(after!)).toBe('active');
    clock = new Date(clock.getTime() + 3_600_000);
    expect(service.status(after!)).toBe('expired');
    expect(changed).toEqual(expect.arrayContaining([old.id, next.id]));
  });

  it('never extends an expiry by rotating, and grace 0 stops the old key at once', async () => {
    const { record: soon } = await service.create(OPERATOR, acme.id, { name: 's', permissions: ['invoices:read'], expiresInSeconds: 60 });
    await service.rotate(OPERATOR, acme.id, soon.id, 86_400);
    expect((await gh.store.apiKeys.findById(soon.id))!.expiresAt!.getTime()).toBe(clock.getTime() + 60_000);
    const { record: now } = await service.create(OPERATOR, acme.id, { name: 'n', permissions: ['invoices:read'] });
    await service.rotate(OPERATOR, acme.id, now.id, 0);
    expect(service.status((await gh.store.apiKeys.findById(now.id))!)).toBe('expired');
  });

  it('refuses to rotate a key stronger than the caller', async () => {
    const { record } = await service.create(OPERATOR, acme.id, { name: 'strong', permissions: ['invoices:write'] });
    const problem = await problemOf(service.rotate(keyCaller(acme.id, ['api_keys:write', 'invoices:read']), acme.id, record.id, 0));
    expect(problem.status).toBe(403);
  });

  it('revokes idempotently and audits without secrets', async () => {
    const { record, key } = await service.create(keyCaller(acme.id, ['api_keys:write', 'invoices:read']), acme.id, { name: 'r', permissions: ['invoices:read'] });
    await service.revoke(OPERATOR, acme.id, record.id);
    await service.revoke(OPERATOR, acme.id, record.id);
    expect(service.status((await gh.store.apiKeys.findById(record.id))!)).toBe('revoked');
    const events = (await gh.store.audit.list(acme.id, { limit: 200 })).items.filter((e) => e.target?.id === record.id);
    expect(events.map((e) => e.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(events.find((e) => e.action === 'api_key.created')!.actor).toEqual({ type: 'api_key', id: 'key_caller' });
    expect(events.find((e) => e.action === 'api_key.created')!.ip).toBe('203.0.113.7');
    const text = JSON.stringify(events);
    expect(text).not.toContain(key);
    expect(text).not.toContain(digestApiKey(gh.secrets, key));
  });

  it('of concurrent revocations of one key, stores one api_key.revoked (in the outbox and the audit log)', async () => {
    const { record } = await service.create(OPERATOR, acme.id, { name: 'raced', permissions: ['invoices:read'] });
    await Promise.all(Array.from({ length: 5 }, () => service.revoke(OPERATOR, acme.id, record.id)));
    const outbox = (await gh.store.events.undispatched(10_000)).filter((e) => e.type === 'api_key.revoked'
      && (e.data.api_key as { id: string }).id === record.id);
    expect(outbox).toHaveLength(1);
    expect(outbox[0].data).toMatchObject({ reason: 'requested', api_key: { id: record.id, status: 'revoked' } });
    const audited = (await gh.store.audit.list(acme.id, { limit: 200 })).items.filter((e) => e.target?.id === record.id && e.action === 'api_key.revoked');
    expect(audited).toHaveLength(1);
  });

  it("caps active keys at the organization's plan, counting revoked and expired keys out", async () => {
    const small = await gh.identity.organizations.create({ slug: 'small' });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await service.create(OPERATOR, small.id, { name: `k${i}`, permissions: ['api_keys:read'] })).record.id);
    const problem = await problemOf(service.create(OPERATOR, small.id, { name: 'k10', permissions: ['api_keys:read'] }));
    expect(problem.status).toBe(403);
    expect(problem.code).toBe('key_limit_reached');
    expect(problem.detail).toContain('10');
    // a full plan still lets a key be rotated (the old one leaves with its grace period)
    await expect(service.rotate(OPERATOR, small.id, ids[1], 0)).resolves.toBeDefined();
    await service.revoke(OPERATOR, small.id, ids[0]);
    await expect(service.create(OPERATOR, small.id, { name: 'k10', permissions: ['api_keys:read'] })).resolves.toBeDefined();
  });

  it('validates IP allowlists, naming the bad entry', async () => {
    const problem = await problemOf(service.create(OPERATOR, acme.id, { name: 'ip', permissions: ['invoices:read'], ipAllowlist: ['10.0.0.0/8', 'nope'] }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain('ip_allowlist[1]');
  });
});
