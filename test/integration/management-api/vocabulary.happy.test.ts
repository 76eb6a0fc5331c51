import { OPERATOR } from '../../../src/audit/actor.js';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { mintKey, seedOrganization, seededSuite } from '../../support/seed.js';

const s = seededSuite({ plans: { free: { platformPermissions: ['pipelines:read'] } } });

beforeAll(async () => {
  await s.gatehouse.identity.resources.create(OPERATOR, null, { identifier: 'https://api.platform.test', name: 'Pipelines', permissions: ['pipelines:read', 'pipelines:run'] });
  await s.gatehouse.identity.resources.create(OPERATOR, s.org.id, { identifier: 'https://ledger.acme.test', permissions: ['ledger:read'] });
});

describe('an organization\'s vocabulary (/v1/organizations/{org}/vocabulary)', () => {
  it('lists what it may grant, what its plan withholds, and the platform APIs with the permissions its plan allows', async () => {
    const res = await s.api().get('/v1/organizations/acme/vocabulary').set('X-API-Key', s.adminKey);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'vocabulary',
      permissions: [...MANAGEMENT_PERMISSIONS, 'ledger:read', 'pipelines:read'].sort(),
      withheld: ['pipelines:run'],
      platform_resources: [{ identifier: 'https://api.platform.test', name: 'Pipelines', permissions: ['pipelines:read'] }],
    });
  });

  it('follows the plan: on an unrestricted one, every platform permission and nothing withheld', async () => {
    const pro = await seedOrganization(s.gatehouse, 'unrestricted', 'pro');
    const key = (await mintKey(s.gatehouse, pro.id, ['resources:read'])).key;
    const res = await s.api().get('/v1/organizations/unrestricted/vocabulary').set('X-API-Key', key).expect(200);
    expect(res.body.permissions).toEqual(expect.arrayContaining(['pipelines:read', 'pipelines:run']));
    expect(res.body.permissions).not.toContain('ledger:read');
    expect(res.body.withheld).toEqual([]);
    expect(res.body.platform_resources[0].permissions).toEqual(['pipelines:read', 'pipelines:run']);
  });
});
