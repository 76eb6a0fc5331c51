import { boundResources, reachesOrganization, visiblePermissions } from '../../../src/resource-server/bindings.js';
import type { Resource } from '../../../src/store/ports.js';

const at = new Date(0);
const platform: Resource = { id: 'res_p', organizationId: null, identifier: 'https://platform.test', name: 'p', permissions: ['reports:read', 'reports:write'], createdAt: at, updatedAt: at };
const acmeApi: Resource = { id: 'res_a', organizationId: 'org_acme', identifier: 'https://api.acme.test', name: 'a', permissions: ['invoices:read'], createdAt: at, updatedAt: at };

describe('visiblePermissions', () => {
  it("keeps only the held permissions a bound resource declares; an organization's API counts for that organization only", () => {
    expect(visiblePermissions(['reports:read', 'users:read', 'invoices:read'], 'org_acme', [platform, acmeApi])).toEqual(['reports:read', 'invoices:read']);
    expect(visiblePermissions(['reports:read', 'invoices:read'], 'org_globex', [platform, acmeApi])).toEqual(['reports:read']);
    expect(visiblePermissions(['users:read'], 'org_acme', [platform, acmeApi])).toEqual([]);
  });

  it("counts only resources in a token's audience", () => {
    expect(visiblePermissions(['reports:read', 'invoices:read'], 'org_acme', [platform, acmeApi], ['https://api.acme.test'])).toEqual(['invoices:read']);
    expect(visiblePermissions(['reports:read'], 'org_acme', [platform], ['https://elsewhere.test'])).toEqual([]);
  });

  it('reaches every organization through a platform resource, only its own through an organization resource', () => {
    expect(reachesOrganization([platform], 'org_x')).toBe(true);
    expect(reachesOrganization([acmeApi], 'org_x')).toBe(false);
    expect(reachesOrganization([acmeApi], 'org_acme')).toBe(true);
  });
});

describe('boundResources', () => {
  it('reuses a client\'s bindings for ttlMs (a change is seen at the first read after it), loading once for concurrent misses', async () => {
    let now = 1000;
    let stored: Resource[] = [platform];
    let loads = 0;
    const load = async () => { loads++; return stored; };
    const bound = boundResources({ load, ttlMs: 1000, now: () => now });
    const [a, b] = await Promise.all([bound('cli_1'), bound('cli_1')]);
    expect(a).toEqual([platform]);
    expect(b).toBe(a);
    expect(loads).toBe(1);
    stored = [];
    now += 999;
    expect(bound('cli_1')).toEqual([platform]);
    now += 1;
    expect(await bound('cli_1')).toEqual([]);
    expect(loads).toBe(2);
  });

  it('forgets a failed load, so the next read tries again', async () => {
    let fail = true;
    const bound = boundResources({ load: async () => { if (fail) throw new Error('store down'); return [platform]; }, now: () => 0 });
    await expect(bound('cli_1')).rejects.toThrow('store down');
    fail = false;
    expect(await bound('cli_1')).toEqual([platform]);
  });
});
