import type { Config } from '../config/schema.js';
import { newId } from '../domain/ids.js';
import { problems } from '../http/problem.js';
import { UniqueViolation, type Organization, type Page, type PageRequest, type Store } from '../store/ports.js';
import { pageRequest } from './paging.js';
import { Checks, displayNameProblem, slugProblem } from './validation.js';

/** A configured plan: active-key cap and organization rate limit. */
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
  /** @throws HttpProblem 400, 404 */
  update(id: string, patch: { name?: string; plan?: string }): Promise<Organization>;
  /** the organization's plan; the default plan when its plan left the configuration */
  plan(org: Organization): Plan;
}

/** The organization service `identity.organizations`. */
export function createOrganizations(store: Store, config: Config): Organizations {
  const planProblem = (plan: unknown) =>
    typeof plan === 'string' && Object.hasOwn(config.plans, plan) ? null : `must be one of: ${Object.keys(config.plans).join(', ')}`;

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
        id: newId('org'), slug, name: name?.trim() ?? slug, plan: chosenPlan, mfaRequired: mfaRequired === true, createdAt: new Date(),
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
    async update(id, patch) {
      new Checks()
        .add('name', patch.name === undefined ? null : displayNameProblem(patch.name))
        .add('plan', patch.plan === undefined ? null : planProblem(patch.plan))
        .done();
      const clean: { name?: string; plan?: string } = {};
      if (patch.name !== undefined) clean.name = patch.name.trim();
      if (patch.plan !== undefined) clean.plan = patch.plan;
      const org = await store.organizations.update(id, clean);
      if (!org) throw problems.notFound('organization');
      return org;
    },
    plan: (org) => config.plans[Object.hasOwn(config.plans, org.plan) ? org.plan : config.defaultPlan],
  };
}
