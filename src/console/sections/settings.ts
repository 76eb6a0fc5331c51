import { html } from '../../oauth/interactions/html.js';
import { problemOf } from '../api/calls.js';
import { when } from '../ui/format.js';
import { pageOf, type Outcome } from '../ui/view.js';
import type { OrgPage, Section } from './section.js';
import { apiFailure } from './shared.js';

interface OrganizationJson { id: string; slug: string; name: string; plan: string; created_at: string }

async function show(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.get<OrganizationJson>('');
  if (answer.status !== 200) return apiFailure('Organization', problemOf(answer));
  const o = answer.body;
  return pageOf('Organization', html`<div class="page-head"><div><h1 id="page-title">Organization</h1>
<p class="lead">Settings of ${o.name}.</p></div></div>
<section class="panel"><dl class="facts">
<dt>Name</dt><dd>${o.name}</dd>
<dt>Slug</dt><dd><code>${o.slug}</code></dd>
<dt>ID</dt><dd><code>${o.id}</code></dd>
<dt>Plan</dt><dd>${o.plan}</dd>
<dt>Created</dt><dd>${when(o.created_at)}</dd>
</dl></section>
<section class="panel"><h2>Your access</h2><p>You hold these permissions in ${o.name}:</p>
<ul class="chips">${page.permissions.map((p) => html`<li><code>${p}</code></li>`)}</ul></section>`);
}

/** The organization as the API describes it, and what the signed-in person may do in it. */
export const settingsSection: Section = {
  path: 'settings', title: 'Organization', permission: 'organizations:read',
  routes: [{ method: 'GET', path: '', handle: show }],
};
