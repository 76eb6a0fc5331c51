import { LRUCache } from 'lru-cache';
import type { Config } from '../config/schema.js';
import type { OrganizationStore } from '../store/ports.js';
import type { MaybePromise } from './maybe-async.js';
import type { LimitPolicy } from './rate-limiter.js';
import type { Verified } from './verified.js';

/** How long an organization's plan is cached (a plan change reaches the limiter within this). */
export const PLAN_CACHE_TTL_MS = 30_000;

/**
 * The rate limits a verified credential is subject to: the key's own limit (API keys that have
 * one) and its organization's plan limit. A credential without an organization (a server-scoped
 * key) is limited per subject by the default plan, so every authenticated response has limits.
 * Verifiers share `Verified` objects between requests, so the answer is remembered per object
 * (for at most `PLAN_CACHE_TTL_MS`).
 */
export function createLimitResolver(
  config: Pick<Config, 'plans' | 'defaultPlan'>,
  organizations: Pick<OrganizationStore, 'findById'>,
  now: () => number = Date.now,
) {
  const plans = new LRUCache<string, string>({ max: 10_000, ttl: PLAN_CACHE_TTL_MS });
  const resolved = new WeakMap<Verified, { policies: LimitPolicy[]; at: number }>();
  const windowOf = (plan: string) => (config.plans[plan] ?? config.plans[config.defaultPlan]).rateLimit;

  async function policiesOf({ principal, rateLimit }: Verified): Promise<LimitPolicy[]> {
    const policies: LimitPolicy[] = [];
    if (rateLimit) policies.push({ bucket: `key:${principal.subject}`, limit: rateLimit.limit, windowMs: rateLimit.windowSeconds * 1000 });
    if (principal.organization) {
      let plan = plans.get(principal.organization);
      if (plan === undefined) {
        plan = (await organizations.findById(principal.organization))?.plan ?? config.defaultPlan;
        plans.set(principal.organization, plan);
      }
      const { limit, windowSeconds } = windowOf(plan);
      policies.push({ bucket: `org:${principal.organization}`, limit, windowMs: windowSeconds * 1000 });
    } else if (!rateLimit) {
      const { limit, windowSeconds } = windowOf(config.defaultPlan);
      policies.push({ bucket: `${principal.type}:${principal.subject}`, limit, windowMs: windowSeconds * 1000 });
    }
    return policies;
  }

  const remember = async (verified: Verified, at: number): Promise<LimitPolicy[]> => {
    const policies = await policiesOf(verified);
    resolved.set(verified, { policies, at });
    return policies;
  };
  return (verified: Verified): MaybePromise<LimitPolicy[]> => {
    const hit = resolved.get(verified);
    const at = now();
    return hit && at - hit.at < PLAN_CACHE_TTL_MS ? hit.policies : remember(verified, at);
  };
}
