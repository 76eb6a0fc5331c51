import { html, type Raw } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import type { FormFields } from '../../http/form.js';
import { field, fieldProblems, lines, problemAlert, radios, select, csrfField } from '../../ui/forms.js';
import { permissionPicker } from '../../ui/permission-picker.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { grantablePermissions } from '../grantable.js';
import { EXPIRY_CHOICES } from './model.js';
import { keyIssued } from './issued.js';

interface Draft {
  name: string;
  environment: string;
  permissions: string[];
  expires_in: string;
  ip_allowlist: string;
  rate_limit: string;
  rate_window: string;
  /** a JSON object, as typed */
  metadata: string;
}

const EMPTY: Draft = { name: '', environment: 'live', permissions: [], expires_in: '90d', ip_allowlist: '', rate_limit: '', rate_window: '60', metadata: '' };

function draftOf(form: FormFields): Draft {
  return {
    name: form.get('name'), environment: form.get('environment') || 'live', permissions: form.all('permissions'),
    expires_in: form.get('expires_in'), ip_allowlist: form.get('ip_allowlist'), rate_limit: form.get('rate_limit'), rate_window: form.get('rate_window') || '60',
    metadata: form.get('metadata'),
  };
}

/**
 * The metadata field as JSON: an object, or what is wrong with it (the API then checks its
 * entries and sizes, and its 400 names the bad ones).
 */
function parseMetadata(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value };
    return { ok: false, message: 'must be a JSON object in braces, e.g. {"team": "billing"}' };
  } catch (err) {
    return { ok: false, message: `is not valid JSON (${err instanceof Error ? err.message : 'unreadable'}); write an object such as {"team": "billing"}` };
  }
}

/** The form (a page, or the dialog's content): name, environment, permissions by API, expiry, allowlist, rate limit, metadata. */
async function form(page: OrgPage, draft: Draft, problem: Problem | null): Promise<Outcome> {
  const errors = fieldProblems(problem);
  const groups = await grantablePermissions(page);
  return pageOf('Create API key', html`<section class="panel form-panel">
<h1 id="page-title">Create API key</h1>
${problemAlert(problem)}
<form method="post" action="${page.base}/api-keys" data-dialog novalidate>
${csrfField(page.csrf)}
${field({ id: 'key-name', name: 'name', label: 'Name', value: draft.name, required: true, autofocus: true, error: errors.get('name'),
    hint: 'What uses the key, e.g. billing-worker.', attrs: 'maxlength="100" autocomplete="off"' })}
${radios({ name: 'environment', legend: 'Environment', value: draft.environment, error: errors.get('environment'), options: [
    ['live', 'Live', 'Acts on real data.'], ['test', 'Test', 'For development; acts on test data only.']] })}
${permissionPicker(groups, draft.permissions, errors.get('permissions'))}
${select({ id: 'key-expiry', name: 'expires_in', label: 'Expires after', options: EXPIRY_CHOICES, value: draft.expires_in, error: errors.get('expires_in') })}
${field({ id: 'key-allowlist', name: 'ip_allowlist', label: 'IP allowlist', value: draft.ip_allowlist, multiline: true, error: errors.get('ip_allowlist'),
    hint: 'One IPv4 or IPv6 range (CIDR) per line, e.g. 10.0.0.0/8. Empty: any address.', attrs: 'spellcheck="false"' })}
<fieldset class="field"><legend>Rate limit <span class="muted">(optional)</span></legend>
<p class="hint" id="rate-hint">The key's own limit, within the organization's.</p>
<div class="row">
${field({ id: 'key-rate', name: 'rate_limit', label: 'Requests', value: draft.rate_limit, type: 'number', error: errors.get('rate_limit'), attrs: 'min="1" inputmode="numeric"' })}
${field({ id: 'key-window', name: 'rate_window', label: 'Per (seconds)', value: draft.rate_window, type: 'number', attrs: 'min="1" max="86400" inputmode="numeric"' })}
</div></fieldset>
${field({ id: 'key-metadata', name: 'metadata', label: 'Metadata', value: draft.metadata, multiline: true, error: errors.get('metadata'),
    hint: 'Optional. A flat JSON object returned when the key is verified, e.g. {"team": "billing", "tier": 2}. Not a secret.', attrs: 'spellcheck="false"' })}
<div class="form-actions"><button type="submit" class="button primary">Create</button>
<a class="button" href="${page.base}/api-keys" data-close>Cancel</a></div>
</form>
</section>`, problem ? (problem.status === 400 ? 400 : problem.status) : 200);
}

export const newKeyForm = (page: OrgPage) => form(page, EMPTY, null);

/** Submits the form to `POST …/api-keys`; on 201 shows the key, once. */
export async function createKey(page: OrgPage): Promise<Outcome> {
  const draft = draftOf(page.form!);
  const body: Record<string, unknown> = { name: draft.name, permissions: draft.permissions, environment: draft.environment };
  if (draft.expires_in) body.expires_in = draft.expires_in;
  const allowlist = lines(draft.ip_allowlist);
  if (allowlist.length) body.ip_allowlist = allowlist;
  if (draft.rate_limit) body.rate_limit = { limit: Number(draft.rate_limit), window_seconds: Number(draft.rate_window) };
  if (draft.metadata.trim()) {
    const metadata = parseMetadata(draft.metadata);
    if (!metadata.ok) return form(page, draft, { status: 400, errors: [{ field: 'metadata', message: metadata.message }] });
    body.metadata = metadata.value;
  }
  const answer = await page.api.post<Record<string, unknown>>('/api-keys', body);
  if (answer.status !== 201) return form(page, draft, problemOf(answer));
  return keyIssued(page, answer.body as never, 'API key created', null);
}

export type { Raw };
