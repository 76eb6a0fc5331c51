import type { Context } from 'koa';
import type { Identity } from '../../identity/index.js';
import type { Store } from '../../store/ports.js';
import type { ActingOrganizations } from '../acting-organization.js';
import type { Authorizations } from '../authorizations.js';
import { intersect } from '../resources.js';
import { actingInput, type InteractionContext } from './context.js';
import { consentPage, errorPage } from './pages.js';

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export interface ConsentDeps {
  identity: Identity;
  store: Store;
  acting: ActingOrganizations;
  authorizations: Authorizations;
}

/** What the page lists: the missing scopes, or (prompt=consent with nothing missing) the requested ones the user holds. */
function requested(ic: InteractionContext, held: string[]): string[] {
  const d = ic.interaction.prompt.details as ConsentDetails;
  const scopes = [...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()];
  if (scopes.length) return [...new Set(scopes)];
  const asked = String(ic.interaction.params.scope ?? 'openid').split(' ').filter(Boolean);
  return asked.filter((s) => !s.includes(':') || intersect([s], held).length > 0);
}

/** The signed-in person and the organization this authorization acts for, or null when either is gone. */
async function who(ic: InteractionContext, deps: ConsentDeps) {
  const accountId = ic.interaction.session?.accountId;
  const user = accountId ? await deps.identity.users.get(accountId) : null;
  const acting = user ? await deps.acting.resolve(actingInput(ic, user.id)) : null;
  if (!user || acting?.kind !== 'chosen') return null;
  const held = await deps.identity.permissions.permissionsIn(acting.organizationId, user.id);
  return held === null ? null : { user, organizationId: acting.organizationId, held };
}

const denied = () => errorPage({ status: 403, title: 'Access denied', message: 'Your account does not belong to the organization this application asked to act for.' });

/**
 * The consent page: the application, the organization that owns it, the organization it will
 * act for, and what it asks, in words.
 */
export async function showConsent(ctx: Context, ic: InteractionContext, deps: ConsentDeps): Promise<void> {
  const found = await who(ic, deps);
  if (!found) return ic.send(ctx, denied());
  const [owner, acting] = await Promise.all([
    deps.store.organizations.findById(ic.client.organizationId), deps.store.organizations.findById(found.organizationId),
  ]);
  ic.send(ctx, consentPage({
    action: `/interaction/${ic.uid}/consent`, csrf: ic.csrf, clientName: ic.clientName, accountEmail: found.user.email,
    ownerName: owner?.name ?? '', organizationName: acting?.name ?? '', scopes: requested(ic, found.held), formAction: ic.formAction,
  }));
}

/**
 * POST of the consent form. Allow: the missing scopes (already narrowed to the person's
 * permissions by the resource-server info) are remembered for (person, app, organization) and
 * this authorization gets a grant of its own holding them. Deny: access_denied.
 */
export async function submitConsent(ctx: Context, ic: InteractionContext, form: Record<string, string>, deps: ConsentDeps): Promise<void> {
  if (form.decision !== 'allow') {
    return ic.finish(ctx, { error: 'access_denied', error_description: 'The user denied the request.' });
  }
  const found = await who(ic, deps);
  if (!found) return ic.send(ctx, denied());
  const d = ic.interaction.prompt.details as ConsentDetails;
  const grantId = await deps.authorizations.consent({
    accountId: found.user.id, clientId: ic.clientId, organizationId: found.organizationId,
    scopes: d.missingOIDCScope ?? [], claims: d.missingOIDCClaims ?? [], resources: d.missingResourceScopes ?? {},
    previousGrantId: typeof ic.interaction.grantId === 'string' ? ic.interaction.grantId : undefined,
  });
  await ic.finish(ctx, { consent: { grantId } });
}
