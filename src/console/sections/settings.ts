import { html, type Raw } from '../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../api/calls.js';
import { chips, when } from '../ui/format.js';
import { csrfField, field, fieldProblems, problemAlert } from '../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../ui/view.js';
import { vocabularyOf, type VocabularyJson } from './grantable.js';
import type { OrgPage, Section } from './section.js';
import { apiFailure, flash } from './shared.js';
import { draftOfPolicy, keyPolicyBody, keyPolicyDraft, keyPolicyPanel, leakPolicyPanel, type KeyPolicyDraft, type KeyPolicyJson } from './key-policy.js';
import { mayChangeMfa, mfaPanel, mfaWish } from './mfa-requirement.js';
import { quotaMeter, type QuotaJson } from './quota.js';

interface OrganizationJson extends KeyPolicyJson { id: string; slug: string; name: string; plan: string; mfa_required: boolean; created_at: string; quota?: QuotaJson }

/** A refused change, to show in its own panel. */
interface Refusal {
  rename?: { draft: string; problem: Problem };
  mfa?: Problem;
  keyPolicy?: { draft: KeyPolicyDraft; problem: Problem };
  leak?: Problem;
}

const WRITE = 'organizations:write';
const FLASHES = {
  renamed: 'The organization was renamed.',
  mfa_on: 'Two-step verification is now required of every member.',
  mfa_off: 'Two-step verification is no longer required.',
  key_policy: 'The API-key policy was saved.',
  leak_policy: 'The leaked-key policy was saved.',
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
  const status = refusal.rename?.problem.status ?? refusal.mfa?.status ?? refusal.keyPolicy?.problem.status ?? refusal.leak?.status;
  const mayChangeMemberPolicies = mayChangeMfa(page, vocabulary);
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
<section class="panel" aria-labelledby="quota-title"><h2 id="quota-title">Monthly quota</h2>${quotaMeter(o.plan, o.quota)}
${page.can('organizations:read') ? html`<p><a href="${page.base}/usage">Usage over time</a></p>` : ''}</section>
${page.can(WRITE) ? renameForm(page, refusal.rename?.draft ?? o.name, refusal.rename?.problem ?? null) : ''}
${mfaPanel(page, o.mfa_required, mayChangeMemberPolicies, refusal.mfa ?? null)}
${keyPolicyPanel(page, o, refusal.keyPolicy?.draft ?? draftOfPolicy(o), refusal.keyPolicy?.problem ?? null)}
${leakPolicyPanel(page, o.leaked_key_policy, mayChangeMemberPolicies, refusal.leak ?? null)}
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

/** `PATCH …/organizations/{org}` `{max_key_lifetime, key_rotation_reminder_days}`; a refusal is shown at the form. */
async function setKeyPolicy(page: OrgPage): Promise<Outcome> {
  const draft = keyPolicyDraft(page.form!);
  const answer = await page.api.patch<OrganizationJson>('', keyPolicyBody(draft));
  if (answer.status !== 200) return show(page, { keyPolicy: { draft, problem: problemOf(answer) } });
  return redirectTo(`${page.base}/settings?done=key_policy`);
}

/** `PATCH …/organizations/{org}` `{leaked_key_policy}` (403 `permission_escalation` unless the person holds what every member holds). */
async function setLeakPolicy(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.patch<OrganizationJson>('', { leaked_key_policy: page.form!.get('leaked_key_policy') });
  if (answer.status !== 200) return show(page, { leak: problemOf(answer) });
  return redirectTo(`${page.base}/settings?done=leak_policy`);
}

/** The organization as the API describes it (plan, quota and what the plan withholds), renaming, requiring two-step verification, the API-key and leaked-key policies, and what the signed-in person may do in it. */
export const settingsSection: Section = {
  path: 'settings', title: 'Organization', permission: 'organizations:read',
  routes: [
    { method: 'GET', path: '', handle: (page) => show(page) },
    { method: 'POST', path: '', handle: rename },
    { method: 'POST', path: '/mfa', handle: setMfa },
    { method: 'POST', path: '/key-policy', handle: setKeyPolicy },
    { method: 'POST', path: '/leaked-keys', handle: setLeakPolicy },
  ],
};
