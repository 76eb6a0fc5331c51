import type { Config } from '../config/schema.js';
import { newId } from '../domain/ids.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Organization, type Page, type PageRequest, type Store } from '../store/ports.js';
import type { Caller } from '../audit/actor.js';
import { grants, MANAGEMENT_PERMISSIONS } from '../domain/permissions.js';
import { assertHolds, assertInScope } from './authority.js';
import { pageRequest } from './paging.js';
import type { PermissionRemoval } from './permission-removal.js';
import { planAllows, type PermissionService } from './permissions.js';
import { Checks, displayNameProblem, slugProblem } from './validation.js';

/** A configured plan: active-key cap, organization rate limit, the platform permissions it allows. */
export type Plan = Config['plans'][string];

export interface CreateOrganizationInput {
  slug: string;
  /** defaults to the slug */
  name?: string;
  /** a configured plan; defaults to `config.defaultPlan` */
  plan?: string;
  /** members must sign in with a second factor; default false */
  mfaRequired?: boolean;
}

/** Organizations: the tenants that own users, roles, resources, clients and API keys. */
export interface Organizations {
  /** @throws HttpProblem 400 (bad slug, name or plan), 409 `organization_exists` */
  create(input: CreateOrganizationInput): Promise<Organization>;
  /** by id (`org_…`) or slug; null when neither matches */
  resolve(idOrSlug: string): Promise<Organization | null>;
  /** like `resolve`. @throws HttpProblem 404 when nothing matches */
  require(idOrSlug: string): Promise<Organization>;
  /** newest first */
  list(page?: Partial<PageRequest>): Promise<Page<Organization>>;
  /**
   * Renames the organization, or changes its plan: only the operator or a server-scoped
   * credential may (an organization choosing its own plan would grant itself more keys and
   * permissions), holding every platform permission the change gives or withdraws (a downgrade
   * weakens the organization's keys holding them), and the platform permissions the new plan
   * withholds are taken at once from the organization's roles, keys and clients.
   * @throws HttpProblem 400 (bad name, unknown plan), 403 `server_scope_required`, 404
   */
  update(caller: Caller, idOrSlug: string, patch: { name?: string; plan?: string }): Promise<Organization>;
  /** the organization's plan; the default plan when its plan left the configuration */
  plan(org: Organization): Plan;
}

/** The organization service `identity.organizations`. */
export function createOrganizations(store: Store, config: Config, removal: Pick<PermissionRemoval, 'afterPlanChange'>,
  permissions: Pick<PermissionService, 'vocabulary'>): Organizations {
  /** The platform permissions one of the two plans allows and the other does not. */
  const changedBy = async (from: string, to: string) => {
    const allows = (plan: string, p: string) => grants(planAllows(config, plan) ?? [p], p);
    const platform = (await permissions.vocabulary(null)).filter((p) => !MANAGEMENT_PERMISSIONS.includes(p));
    return platform.filter((p) => allows(from, p) !== allows(to, p));
  };
  const planProblem = (plan: unknown) => {
    if (typeof plan === 'string' && Object.hasOwn(config.plans, plan)) return null;
    const named = typeof plan === 'string' ? `"${plan.slice(0, 64)}" is not a configured plan; ` : '';
    return `${named}must be one of: ${Object.keys(config.plans).join(', ')}`;
  };

  const resolve = async (idOrSlug: string): Promise<Organization | null> => {
    if (typeof idOrSlug !== 'string' || !idOrSlug) return null;
    // slugs cannot hold "_", ids always do: no lookup is ambiguous
    return idOrSlug.includes('_') ? store.organizations.findById(idOrSlug) : store.organizations.findBySlug(idOrSlug);
  };

  return {
    async create({ slug, name, plan, mfaRequired }) {
      const chosenPlan = plan ?? config.defaultPlan;
      new Checks()
        .add('slug', slugProblem(slug))
        .add('name', name === undefined ? null : displayNameProblem(name))
        .add('plan', planProblem(chosenPlan))
        .done();
      const org: Organization = {
        id: newId('org'), slug, name: name?.trim() ?? slug, plan: chosenPlan, mfaRequired: mfaRequired === true, leakedKeyPolicy: 'revoke',
        maxKeyLifetimeSeconds: null, keyRotationReminderDays: null, createdAt: new Date(),
      };
      try {
        await store.organizations.create(org);
      } catch (err) {
        if (err instanceof UniqueViolation) throw problems.conflict('organization_exists', `An organization with slug "${slug}" already exists.`);
        throw err;
      }
      return org;
    },
    resolve,
    async require(idOrSlug) {
      const org = await resolve(idOrSlug);
      if (!org) throw problems.notFound('organization');
      return org;
    },
    list: (page) => store.organizations.list(pageRequest(page)),
    async update(caller, idOrSlug, patch) {
      const current = await resolve(idOrSlug);
      assertInScope(caller, current?.id ?? null);
      if (!current) throw problems.notFound('organization');
      const principal = caller.principal;
      if (patch.plan !== undefined && principal !== 'operator' && principal.organization !== null)
        throw problems.forbidden('server_scope_required', "Only a server-scoped credential can change an organization's plan.");
      new Checks()
        .add('name', patch.name === undefined ? null : displayNameProblem(patch.name))
        .add('plan', patch.plan === undefined ? null : planProblem(patch.plan))
        .done();
      if (patch.plan !== undefined) assertHolds(caller, await changedBy(current.plan, patch.plan), 'You cannot change the plan: it grants or withdraws');
      const clean: { name?: string; plan?: string } = {};
      if (patch.name !== undefined) clean.name = patch.name.trim();
      if (patch.plan !== undefined) clean.plan = patch.plan;
      const org = await store.organizations.update(current.id, clean);
      if (!org) throw problems.notFound('organization');
      if (patch.plan !== undefined) await removal.afterPlanChange(caller, org.id);
      return org;
    },
    plan: (org) => config.plans[Object.hasOwn(config.plans, org.plan) ? org.plan : config.defaultPlan],
  };
}
