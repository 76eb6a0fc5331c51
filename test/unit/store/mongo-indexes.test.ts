import { describeIndexChange, planIndexChanges } from '../../../src/store/mongo/indexes.js';
import { topologyProblem } from '../../../src/store/mongo/topology.js';

describe('planning index changes', () => {
  const ttl = { key: { expiresAt: 1 }, options: { expireAfterSeconds: 0 } };
  const email = { key: { email: 1 }, options: { unique: true } };
  const idIndex = { name: '_id_', key: { _id: 1 }, v: 2 };

  it('creates the declared indexes a collection lacks and leaves matching ones alone', () => {
    expect(planIndexChanges('users', [email], [idIndex])).toEqual([{ action: 'create', collection: 'users', index: email }]);
    expect(planIndexChanges('users', [email], [idIndex, { name: 'email_1', key: { email: 1 }, unique: true, v: 2, background: true }])).toEqual([]);
  });

  it('changes only the expiry of a TTL index whose expireAfterSeconds changed', () => {
    const changes = planIndexChanges('oidc_payloads', [ttl], [idIndex, { name: 'expiresAt_1', key: { expiresAt: 1 }, expireAfterSeconds: 3600 }]);
    expect(changes).toEqual([{ action: 'setExpiry', collection: 'oidc_payloads', name: 'expiresAt_1', from: 3600, expireAfterSeconds: 0 }]);
    expect(describeIndexChange(changes[0])).toBe('oidc_payloads: index expiresAt_1 expireAfterSeconds 3600 -> 0');
  });

  it('rebuilds an index whose uniqueness, sparseness or partial filter changed, or that became a TTL index', () => {
    expect(planIndexChanges('users', [email], [{ name: 'email_1', key: { email: 1 } }])).toEqual([{ action: 'rebuild', collection: 'users', name: 'email_1', index: email }]);
    const partial = { key: { grantId: 1 }, options: { partialFilterExpression: { grantId: { $type: 'string' } } } };
    expect(planIndexChanges('oidc_payloads', [partial], [{ name: 'grantId_1', key: { grantId: 1 } }])[0].action).toBe('rebuild');
    expect(planIndexChanges('oidc_payloads', [ttl], [{ name: 'expiresAt_1', key: { expiresAt: 1 } }])[0].action).toBe('rebuild');
  });

  it('tells key order and direction apart, and never plans anything for indexes no model declares', () => {
    const compound = { key: { organizationId: 1, _id: -1 }, options: {} };
    expect(planIndexChanges('api_keys', [compound], [{ name: 'x', key: { organizationId: 1, _id: 1 } }])[0].action).toBe('create');
    expect(planIndexChanges('api_keys', [compound], [{ name: 'y', key: { _id: -1, organizationId: 1 } }])[0].action).toBe('create');
    expect(planIndexChanges('api_keys', [], [idIndex, { name: 'legacy_1', key: { legacy: 1 } }])).toEqual([]);
  });
});

describe('the server Gatehouse runs on', () => {
  it('is a replica set member or a mongos, MongoDB 5.0 or newer', () => {
    expect(topologyProblem({ setName: 'rs0', maxWireVersion: 21 })).toBeNull();
    expect(topologyProblem({ msg: 'isdbgrid', maxWireVersion: 13 })).toBeNull();
  });

  it('refuses a standalone server, and one older than 5.0, in one line saying why', () => {
    expect(topologyProblem({ maxWireVersion: 21 })).toMatch(/^MongoDB is a standalone server: Gatehouse needs a replica set or a sharded cluster \(transactions/);
    expect(topologyProblem({ setName: 'rs0', maxWireVersion: 12 })).toBe('MongoDB is older than 5.0 (wire version 12): Gatehouse needs 5.0 or newer');
    for (const hello of [{}, { setName: 'rs0', maxWireVersion: 9 }]) expect(topologyProblem(hello)).not.toContain('\n');
  });
});
