import { html, type Raw } from '../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../api/calls.js';
import { chips, when } from '../ui/format.js';
import { csrfField, field, fieldProblems, problemAlert } from '../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../ui/view.js';
import { vocabularyOf, type VocabularyJson } from './grantable.js';
import type { OrgPage, Section } from './section.js';
import { apiFailure, flash } from './shared.js';
import { mayChangeMfa, mfaPanel, mfaWish } from './mfa-requirement.js';

interface OrganizationJson { id: string; slug: string; name: string; plan: string; mfa_required: boolean; created_at: string }

/** A refused change, to show in its own panel. */
interface Refusal {
  rename?: { draft: string; problem: Problem };
  mfa?: Problem;
}

const WRITE = 'organizations:write';
const FLASHES = {
  renamed: 'The organization was renamed.',
  mfa_on: 'Two-step verification is now required of every member.',
  mfa_off: 'Two-step verification is no longer required.',
};

function renameForm(page: OrgPage, name: string, problem: Problem | null): Raw {
  return html`<section class="panel" aria-labelledby="rename-title"><h2 id="rename-title">Rename</h2>${problemAlert(problem)}
<form method="post" action="${page.base}/settings" class="inline-form" novalidate>${csrfField(page.csrf)}
${field({ id: 'org-name', name: 'name', label: 'Organization name', value: name, required: true, error: fieldProblems(problem).get('name'), attrs: 'maxlength="200" autocomplete="organization"' })}
<button type="submit" class="button primary">Save name</button></form>
<p class="hint">The slug <code>${page.org.slug}</code> and the id stay: links and API calls keep working.</p></section>`;
}

/** The plan, and what it withholds of the platform APIs (the vocabulary's `withheld`), when the person may read it. */
function planFacts(o: OrganizationJson, vocabulary: VocabularyJson | null): Raw {
  if (!vocabulary) return html`<dt>Plan</dt><dd>${o.plan}</dd>`;
  const platform = vocabulary.platform_resources.filter((r) => r.permissions.length);
  return html`<dt>Plan</dt><dd>${o.plan}</dd>
<dt>Platform APIs</dt><dd>${platform.length ? html`<ul class="plain">${platform.map((r) => html`<li>${r.name || r.identifier}: ${chips(r.permissions)}</li>`)}</ul>` : html`<span class="muted">none</span>`}</dd>
<dt>Withheld by the plan</dt><dd>${vocabulary.withheld.length ? chips(vocabulary.withheld) : html`<span class="muted">nothing</span>`}</dd>`;
}

async function show(page: OrgPage, refusal: Refusal = {}): Promise<Outcome> {
  const [answer, vocabulary] = await Promise.all([page.api.get<OrganizationJson>(''), vocabularyOf(page)]);
  if (answer.status !== 200) return apiFailure('Organization', problemOf(answer));
  const o = answer.body;
  const status = refusal.rename?.problem.status ?? refusal.mfa?.status;
  return pageOf('Organization', html`<div class="page-head"><div><h1 id="page-title">Organization</h1>
<p class="lead">Settings of ${o.name}.</p></div></div>
${flash(page, FLASHES)}
<section class="panel"><dl class="facts">
<dt>Name</dt><dd>${o.name}</dd>
<dt>Slug</dt><dd><code>${o.slug}</code></dd>
<dt>ID</dt><dd><code>${o.id}</code></dd>
${planFacts(o, vocabulary)}
<dt>Created</dt><dd>${when(o.created_at)}</dd>
</dl><p class="hint">The plan is changed by the operator.</p></section>
${page.can(WRITE) ? renameForm(page, refusal.rename?.draft ?? o.name, refusal.rename?.problem ?? null) : ''}
${mfaPanel(page, o.mfa_required, mayChangeMfa(page, vocabulary), refusal.mfa ?? null)}
<section class="panel"><h2>Your access</h2><p>You hold these permissions in ${o.name}:</p>
${chips(page.permissions)}</section>`, status);
}

/** `PATCH …/organizations/{org}` `{name}`. */
async function rename(page: OrgPage): Promise<Outcome> {
  const name = page.form!.get('name').trim();
  const answer = await page.api.patch<OrganizationJson>('', { name });
  if (answer.status !== 200) return show(page, { rename: { draft: name, problem: problemOf(answer) } });
  await page.renamed(answer.body.name);
  return redirectTo(`${page.base}/settings?done=renamed`);
}

/** `PATCH …/organizations/{org}` `{mfa_required}`; a refusal (403 `permission_escalation`) is shown in the panel. */
async function setMfa(page: OrgPage): Promise<Outcome> {
  const required = mfaWish(page);
  const answer = await page.api.patch<OrganizationJson>('', { mfa_required: required });
  if (answer.status !== 200) return show(page, { mfa: problemOf(answer) });
  return redirectTo(`${page.base}/settings?done=${required ? 'mfa_on' : 'mfa_off'}`);
}

/** The organization as the API describes it (plan and what it withholds), renaming, requiring two-step verification, and what the signed-in person may do in it. */
export const settingsSection: Section = {
  path: 'settings', title: 'Organization', permission: 'organizations:read',
  routes: [
    { method: 'GET', path: '', handle: (page) => show(page) },
    { method: 'POST', path: '', handle: rename },
    { method: 'POST', path: '/mfa', handle: setMfa },
  ],
};
