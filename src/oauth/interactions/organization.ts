import type { Context } from 'koa';
import type { Identity } from '../../identity/index.js';
import type { Organization, Store } from '../../store/ports.js';
import type { ActingOrganizations } from '../acting-organization.js';
import { actingInput, type InteractionContext } from './context.js';
import { html, page, type RenderedPage } from './html.js';
import { errorPage } from './pages.js';

export interface OrganizationPickerDeps {
  identity: Identity;
  store: Store;
  acting: ActingOrganizations;
}

export interface OrganizationPickerView {
  action: string;
  csrf: string;
  clientName: string;
  accountEmail: string;
  organizations: Array<Pick<Organization, 'id' | 'slug' | 'name'>>;
  error?: string;
  formAction?: string[];
}

/** The organization picker: one labelled radio button per organization, a submit button; no script. */
export function organizationPage(v: OrganizationPickerView): RenderedPage {
  const options = v.organizations.map((org, i) => html`<div class="choice">
<input type="radio" id="org-${i}" name="organization" value="${org.id}" required${i === 0 ? html` checked` : ''}>
<label for="org-${i}">${org.name} <span class="slug">${org.slug}</span></label>
</div>`);
  return page({
    title: 'Choose an organization', status: v.error ? 400 : 200, formAction: v.formAction,
    body: html`<h1>Choose an organization</h1>
<p class="lead"><strong>${v.clientName}</strong> will act for the organization you choose.</p>
<div id="form-error" class="alert" role="alert">${v.error ?? ''}</div>
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">
<fieldset aria-describedby="form-error">
<legend>Organization</legend>
${options}
</fieldset>
<button type="submit">Continue</button>
</form>
<p class="meta">Signed in as ${v.accountEmail}.</p>`,
  });
}

async function render(ctx: Context, ic: InteractionContext, deps: OrganizationPickerDeps, error?: string): Promise<void> {
  const accountId = ic.interaction.session?.accountId;
  const user = accountId ? await deps.identity.users.get(accountId) : null;
  const acting = user ? await deps.acting.resolve(actingInput(ic, user.id)) : null;
  if (!user || acting?.kind !== 'choose') {
    return ic.send(ctx, errorPage({ status: 400, title: 'Sign-in expired', message: 'Go back to the application and start again.' }));
  }
  const organizations = (await Promise.all(acting.organizationIds.map((id) => deps.store.organizations.findById(id))))
    .filter((o): o is Organization => o !== null);
  ic.send(ctx, organizationPage({
    action: `/interaction/${ic.uid}/organization`, csrf: ic.csrf, clientName: ic.clientName, accountEmail: user.email,
    organizations, error, formAction: ic.formAction,
  }));
}

/** GET: the person belongs to several organizations and the application named none. */
export function showOrganizationPicker(ctx: Context, ic: InteractionContext, deps: OrganizationPickerDeps): Promise<void> {
  return render(ctx, ic, deps);
}

/**
 * POST: the chosen organization must be one of the person's, where they are not disabled. It becomes the interaction's
 * `organization` parameter, exactly as if the application had named it, so every later step
 * (consent, grant, token) reads it from one place.
 */
export async function submitOrganization(ctx: Context, ic: InteractionContext, form: Record<string, string>, deps: OrganizationPickerDeps): Promise<void> {
  const accountId = ic.interaction.session?.accountId;
  const chosen = form.organization ?? '';
  const membership = accountId && chosen.startsWith('org_') ? await deps.store.memberships.find(chosen, accountId) : null;
  if (!membership || membership.disabled) return render(ctx, ic, deps, 'Choose one of your organizations.');
  ic.interaction.params.organization = membership.organizationId;
  await ic.interaction.save(Math.max(1, (ic.interaction.exp ?? 0) - Math.floor(Date.now() / 1000)));
  await ic.finish(ctx, {});
}
