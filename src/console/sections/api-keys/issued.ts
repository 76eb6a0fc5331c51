import { html } from '../../../oauth/interactions/html.js';
import { badge, when } from '../../ui/format.js';
import { secretReveal } from '../../ui/forms.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import type { ApiKeyJson } from './model.js';

/** The one time a key is shown: in a field labelled "New API key", with a copy button. */
export function keyIssued(page: OrgPage, key: ApiKeyJson, title: string, note: string | null): Outcome {
  return pageOf(title, html`<section class="panel form-panel" data-reload-on-close>
<h1 id="page-title">${title}</h1>
<div class="notice warn" role="status">Copy the key now. It is not stored anywhere and will not be shown again.</div>
${secretReveal('new-api-key', 'New API key', key.key ?? '')}
${note ? html`<p>${note}</p>` : ''}
<dl class="facts">
<dt>Name</dt><dd>${key.name}</dd>
<dt>Environment</dt><dd>${badge(key.environment, key.environment === 'live' ? 'info' : 'warn')}</dd>
<dt>Permissions</dt><dd><ul class="chips">${key.permissions.map((p) => html`<li><code>${p}</code></li>`)}</ul></dd>
<dt>Expires</dt><dd>${when(key.expires_at, 'Never')}</dd>
<dt>IP allowlist</dt><dd>${key.ip_allowlist.length ? key.ip_allowlist.join(', ') : 'Any address'}</dd>
</dl>
<div class="form-actions"><a class="button primary" href="${page.base}/api-keys" data-close>Done</a></div>
</section>`, 201);
}
