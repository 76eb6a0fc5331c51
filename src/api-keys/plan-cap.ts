import { problems } from '../http/problem.js';
import type { Organizations } from '../identity/organizations.js';
import type { ApiKeyRecord, ApiKeyStore } from '../store/ports.js';

/**
 * Stores a new key unless its organization's plan is full (`maxActiveKeys` active keys, counted
 * atomically by the store). `allowance` lets a rotation go one over while the old key finishes its
 * grace period. Server-scoped keys have no plan and no cap.
 * @throws HttpProblem 403 `key_limit_reached` naming the plan and its cap
 */
export async function insertWithinPlan(
  deps: { store: { apiKeys: Pick<ApiKeyStore, 'create'> }; organizations: Pick<Organizations, 'resolve' | 'plan'> },
  record: ApiKeyRecord, allowance: number,
): Promise<void> {
  if (record.organizationId === null) {
    await deps.store.apiKeys.create(record);
    return;
  }
  const org = await deps.organizations.resolve(record.organizationId);
  if (!org) throw problems.notFound('organization');
  const { maxActiveKeys } = deps.organizations.plan(org);
  const outcome = await deps.store.apiKeys.create(record, { maxActive: maxActiveKeys + allowance, now: record.createdAt });
  if (outcome === 'cap_reached') {
    throw problems.forbidden('key_limit_reached',
      `The organization's plan (${org.plan}) allows ${maxActiveKeys} active API keys; revoke one first or change plans.`,
      { max_active_keys: maxActiveKeys });
  }
}
