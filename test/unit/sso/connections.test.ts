import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Caller } from '../../../src/audit/actor.js';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { Secrets } from '../../../src/domain/secrets.js';
import { issuerProblem, SsoConnections } from '../../../src/sso/connections.js';
import type { AuditEvent, SsoConnection } from '../../../src/store/ports.js';

/** The connection service alone: a store in a map, a check of who may configure that lets everyone through, roles that grant `holds`. */
function service(holds: Record<string, string[]>) {
  const rows = new Map<string, SsoConnection>();
  const events: AuditEvent[] = [];
  /** set to make the next update meet a change another request made meanwhile */
  const race = { next: false };
  const connections = new SsoConnections({
    store: {
      ssoConnections: {
        create: async (c) => { rows.set(c.organizationId, c); },
        find: async (id) => rows.get(id) ?? null,
        update: async (id, version, patch) => {
          if (race.next) {
            race.next = false;
            rows.set(id, { ...rows.get(id)!, version: rows.get(id)!.version + 1 });
          }
          const c = rows.get(id);
          if (!c || c.version !== version) return null;
          const next = { ...c, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), version: version + 1 };
          rows.set(id, next);
          return next;
        },
        delete: async (id) => rows.delete(id),
        any: async () => rows.size > 0,
      },
    },
    secrets: new Secrets(randomBytes(32).toString('base64url')),
    roles: { checkAssignable: async (_org, names) => names as string[] },
    permissions: { permissionsOfRoles: async (_org, roles) => roles.flatMap((r) => holds[r] ?? []) },
    mayConfigure: async () => ({}) as never,
    relyingParty: { discover: async () => ({}) as never },
    audit: new AuditLog({ store: { append: async (e) => { events.push(e); }, list: async () => ({ items: events, nextCursor: null }) }, logger: pino({ level: 'silent' }) }),
    allowPrivateNetworks: false,
  });
  return { connections, rows, events, race };
}

const caller = (permissions: string[]): Caller => ({ principal: { type: 'api_key', subject: 'key_1', organization: 'org_1', environment: 'live', permissions } });
const input = { issuer: 'https://idp.example.com', clientId: 'c', clientSecret: 'the secret' };

describe('the SSO connection service', () => {
  it('refuses a default role holding a permission the caller lacks, storing nothing (behind the check of who may configure)', async () => {
    const { connections, rows } = service({ treasury: ['invoices:delete'], viewer: ['users:read'] });
    await expect(connections.create(caller(['users:read']), 'org_1', { ...input, defaultRole: 'treasury' }))
      .rejects.toMatchObject({ status: 403, code: 'permission_escalation', extra: { permissions: ['invoices:delete'] } });
    expect(rows.size).toBe(0);
    await connections.create(caller(['users:read']), 'org_1', { ...input, defaultRole: 'viewer' });
    await expect(connections.update(caller(['users:read']), 'org_1', { defaultRole: 'treasury' })).rejects.toMatchObject({ code: 'permission_escalation' });
    expect(rows.get('org_1')!.defaultRole).toBe('viewer');
  });

  it('seals the secret, and a change that meets another made meanwhile is a 409 with nothing written', async () => {
    const { connections, rows, events, race } = service({ member: [] });
    const made = await connections.create(caller([]), 'org_1', input);
    expect(made.sealedClientSecret).not.toContain('the secret');
    expect(connections.clientSecret(made)).toBe('the secret');
    race.next = true;
    await expect(connections.update(caller([]), 'org_1', { required: true })).rejects.toMatchObject({ status: 409, code: 'concurrent_change' });
    expect(rows.get('org_1')).toMatchObject({ required: false, version: 2 });
    expect(events.map((e) => e.action)).toEqual(['sso_connection.created']);
    expect(JSON.stringify(events)).not.toContain('the secret');
  });

  it('takes https issuers, http ones only with private networks allowed, never with credentials, a query or a fragment', () => {
    expect(issuerProblem('https://acme.okta.com', false)).toBeNull();
    expect(issuerProblem('https://login.microsoftonline.com/tenant/v2.0', false)).toBeNull();
    expect(issuerProblem('http://idp.example.com', false)).toBe('must be an https URL');
    expect(issuerProblem('http://127.0.0.1:8080', true)).toBeNull();
    expect(issuerProblem('https://user:pw@idp.example.com', false)).toBe('must not carry a user name or password');
    expect(issuerProblem('https://idp.example.com/?tenant=1', false)).toBe('must not have a query');
    expect(issuerProblem('https://idp.example.com/#x', false)).toBe('must not have a fragment');
    expect(issuerProblem(42, false)).toBe("must be the provider's issuer URL");
  });
});
