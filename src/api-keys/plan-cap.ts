import { problems } from '../http/problem.js';
import type { Organizations } from '../identity/organizations.js';
import type { ApiKeyRecord, ApiKeyStore, EventRecord } from '../store/ports.js';

type PlanDeps = { organizations: Pick<Organizations, 'resolve' | 'plan'> };

/**
 * Runs a key write that the organization's plan caps (`maxActiveKeys` active keys, counted
 * atomically by the store inside `write`). `allowance` lets a rotation go one over while the old
 * key finishes its grace period. Server-scoped keys have no plan and no cap.
 * @throws HttpProblem 403 `key_limit_reached` naming the plan and its cap
 */
export async function writeWithinPlan<R extends string>(
  deps: PlanDeps, organizationId: string | null, now: Date, allowance: number,
  write: (cap?: { maxActive: number; now: Date }) => Promise<R | 'cap_reached'>,
): Promise<Exclude<R, 'cap_reached'>> {
  if (organizationId === null) return await write() as Exclude<R, 'cap_reached'>;
  const org = await deps.organizations.resolve(organizationId);
  if (!org) throw problems.notFound('organization');
  const { maxActiveKeys } = deps.organizations.plan(org);
  const outcome = await write({ maxActive: maxActiveKeys + allowance, now });
  if (outcome === 'cap_reached') {
    throw problems.forbidden('key_limit_reached',
      `The organization's plan (${org.plan}) allows ${maxActiveKeys} active API keys; revoke one first or change plans.`,
      { max_active_keys: maxActiveKeys });
  }
  return outcome as Exclude<R, 'cap_reached'>;
}

/** Stores a new key, with its events, unless its organization's plan is full (see {@link writeWithinPlan}). */
export async function insertWithinPlan(
  deps: PlanDeps & { store: { apiKeys: Pick<ApiKeyStore, 'create'> } }, record: ApiKeyRecord, allowance: number,
  events?: readonly EventRecord[],
): Promise<void> {
  await writeWithinPlan(deps, record.organizationId, record.createdAt, allowance, (cap) => deps.store.apiKeys.create(record, cap, events));
}
