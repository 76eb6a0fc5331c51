import { html } from '../../../oauth/interactions/html.js';
import { when } from '../../ui/format.js';
import { secretReveal } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { eventsLabel, type EndpointJson } from './model.js';

/** The one time a signing secret is shown: in a field labelled "Signing secret", with a copy button. */
export function secretIssued(page: OrgPage, endpoint: EndpointJson, title: string, note: string | null): Outcome {
  return pageOf(title, html`<section class="panel form-panel" data-reload-on-close>
<h1 id="page-title">${title}</h1>
<div class="notice warn" role="status">Copy the signing secret now. It is not shown again; your receiver verifies every delivery with it.</div>
${secretReveal('signing-secret', 'Signing secret', endpoint.secret ?? '')}
${note ? html`<p>${note}</p>` : ''}
<dl class="facts">
<dt>URL</dt><dd><code>${endpoint.url}</code></dd>
<dt>Events</dt><dd><ul class="chips">${eventsLabel(endpoint.events).map((e) => html`<li><code>${e}</code></li>`)}</ul></dd>
${endpoint.previous_secret_expires_at ? html`<dt>Previous secret</dt><dd>Signs beside the new one until ${when(endpoint.previous_secret_expires_at)}</dd>` : ''}
</dl>
<div class="form-actions"><a class="button primary" href="${page.base}/webhooks/${encodeURIComponent(endpoint.id)}" data-close>Done</a></div>
</section>`, 201);
}
