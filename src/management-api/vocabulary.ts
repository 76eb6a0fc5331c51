import { z } from 'zod';
import { collectAll } from '../identity/paging.js';
import type { Identity } from '../identity/index.js';
import { orgRoute, type AnyRoute } from './route-kit.js';

const vocabularyObject = z.object({
  object: z.literal('vocabulary'),
  permissions: z.array(z.string()).describe('every permission the organization may grant: management, platform (as its plan allows), its own APIs\''),
  withheld: z.array(z.string()).describe('platform permissions its plan does not allow'),
  platform_resources: z.array(z.object({
    identifier: z.string(), name: z.string(), permissions: z.array(z.string()).describe('those the plan allows'),
  })).describe('the operator\'s APIs, in every organization\'s vocabulary'),
});

/**
 * `GET /organizations/{org}/vocabulary`: what the organization may grant, and the platform APIs
 * it comes from (their listing, `/resources`, is the server scope's), for an administrator or a
 * console offering permissions to pick.
 */
export function vocabularyRoutes(identity: Identity): AnyRoute[] {
  return [orgRoute({
    method: 'get', path: '/organizations/{org}/vocabulary', tag: 'Resources',
    summary: 'The permissions the organization may grant, and the platform APIs they come from',
    permission: 'resources:read', response: vocabularyObject,
    handle: async ({ org }) => {
      const vocabulary = await identity.permissions.vocabularyOf(org.id);
      const allowed = new Set(vocabulary.permissions);
      const platform = await collectAll((page) => identity.resources.list(null, page));
      return {
        object: 'vocabulary' as const, permissions: [...vocabulary.permissions].sort(), withheld: [...vocabulary.withheld].sort(),
        platform_resources: platform.map((r) => ({ identifier: r.identifier, name: r.name, permissions: r.permissions.filter((p) => allowed.has(p)) })),
      };
    },
  })];
}
