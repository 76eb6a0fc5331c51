import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Identity } from '../../identity/index.js';
import type { Store } from '../../store/ports.js';
import { intersect } from '../resources.js';
import type { InteractionContext } from './context.js';
import { consentPage, errorPage } from './pages.js';

/** Index of remembered consent: one per (user, client), pointing at the grant; it dies with the grant. */
export const CONSENT_MODEL = 'ConsentIndex';
export const consentKey = (accountId: string, clientId: string) => `${accountId}:${clientId}`;

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export interface ConsentDeps {
  identity: Identity;
  store: Store;
  provider: () => Provider;
  grantTtlSeconds: number;
}

/** What the page lists: the missing scopes, or (prompt=consent with nothing missing) the requested ones the user holds. */
function requested(ic: InteractionContext, held: string[]): string[] {
  const d = ic.interaction.prompt.details as ConsentDetails;
  const scopes = [...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()];
  if (scopes.length) return [...new Set(scopes)];
  const asked = String(ic.interaction.params.scope ?? 'openid').split(' ').filter(Boolean);
  return asked.filter((s) => !s.includes(':') || intersect([s], held).length > 0);
}

/** The consent page, after checking the signed-in user still belongs to the client's organization. */
export async function showConsent(ctx: Context, ic: InteractionContext, deps: ConsentDeps): Promise<void> {
  const accountId = ic.interaction.session?.accountId;
  const user = accountId ? await deps.identity.users.get(accountId) : null;
  const held = user ? await deps.identity.permissions.permissionsIn(ic.organizationId, user.id) : null;
  if (!user || held === null) {
    return ic.send(ctx, errorPage({ status: 403, title: 'Access denied', message: 'Your account does not belong to the organization that runs this application.' }));
  }
  ic.send(ctx, consentPage({
    action: `/interaction/${ic.uid}/consent`, csrf: ic.csrf, clientName: ic.clientName, accountEmail: user.email,
    scopes: requested(ic, held), formAction: ic.formAction,
  }));
}

/**
 * POST of the consent form. Allow: the missing scopes join the user's grant for this client
 * (already narrowed to the user's permissions by the resource-server info), and the grant is
 * remembered so the next authorization with the same scopes skips this page. Deny: access_denied.
 */
export async function submitConsent(ctx: Context, ic: InteractionContext, form: Record<string, string>, deps: ConsentDeps): Promise<void> {
  if (form.decision !== 'allow') {
    return ic.finish(ctx, { error: 'access_denied', error_description: 'The user denied the request.' });
  }
  const accountId = ic.interaction.session?.accountId;
  if (!accountId) return ic.send(ctx, errorPage({ status: 400, title: 'Sign-in expired', message: 'Go back to the application and start again.' }));
  const { Grant } = deps.provider();
  const existing = ic.interaction.grantId ? await Grant.find(ic.interaction.grantId) : undefined;
  const grant = existing ?? new Grant({ accountId, clientId: ic.clientId });
  const d = ic.interaction.prompt.details as ConsentDetails;
  if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    if (scopes.length) grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await deps.store.oidc.upsert(CONSENT_MODEL, consentKey(accountId, ic.clientId), { grantId },
    new Date(Date.now() + deps.grantTtlSeconds * 1000));
  await ic.finish(ctx, { consent: { grantId } });
}
