import { html, Raw } from '../../oauth/interactions/html.js';
import type { Problem } from '../api/calls.js';

/** Field problems from a 400 answer, by top-level field (`permissions[1]` counts for `permissions`). */
export function fieldProblems(problem: Problem | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of problem?.errors ?? []) {
    const field = e.field.replace(/\[.*$/, '').replace(/\..*$/, '');
    out.set(field, out.has(field) ? `${out.get(field)}; ${e.message}` : e.message);
  }
  return out;
}

/** The alert at the top of a form: the problem's detail, or a summary of its field problems. */
export function problemAlert(problem: Problem | null): Raw {
  if (!problem) return html``;
  const text = problem.errors?.length ? 'Some fields need attention.' : (problem.detail ?? problem.title ?? 'The request failed.');
  return html`<div class="alert" role="alert">${text}</div>`;
}

export const csrfField = (token: string): Raw => html`<input type="hidden" name="_csrf" value="${token}">`;

interface FieldOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string;
  type?: string;
  required?: boolean;
  autofocus?: boolean;
  attrs?: string;
  multiline?: boolean;
}

/** A labelled input (or textarea) with its hint and error wired through aria-describedby. */
export function field(o: FieldOptions): Raw {
  const described = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  const common = new Raw([
    `id="${o.id}" name="${o.name}"`, o.required ? 'required' : '', o.autofocus ? 'autofocus' : '',
    described ? `aria-describedby="${described}"` : '', o.error ? 'aria-invalid="true"' : '', o.attrs ?? '',
  ].filter(Boolean).join(' '));
  const control = o.multiline
    ? html`<textarea ${common} rows="3">${o.value ?? ''}</textarea>`
    : html`<input ${common} type="${o.type ?? 'text'}" value="${o.value ?? ''}">`;
  return html`<div class="field">
<label for="${o.id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${o.id}-hint">${o.hint}</p>` : ''}
${control}
${o.error ? html`<p class="error" id="${o.id}-error">${o.error}</p>` : ''}
</div>`;
}

/** A labelled select. */
export function select(o: { id: string; name: string; label: string; options: Array<[string, string]>; value?: string; hint?: string; error?: string }): Raw {
  const described = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  const options = o.options.map(([v, text]) => html`<option value="${v}"${new Raw(v === o.value ? ' selected' : '')}>${text}</option>`);
  return html`<div class="field">
<label for="${o.id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${o.id}-hint">${o.hint}</p>` : ''}
<select id="${o.id}" name="${o.name}"${new Raw(described ? ` aria-describedby="${described}"` : '')}>${options}</select>
${o.error ? html`<p class="error" id="${o.id}-error">${o.error}</p>` : ''}
</div>`;
}

/** A fieldset of radio buttons. */
export function radios(o: { name: string; legend: string; options: Array<[string, string, string?]>; value: string; error?: string }): Raw {
  const items = o.options.map(([v, label, hint]) => html`<label class="choice"><input type="radio" name="${o.name}" value="${v}"${new Raw(v === o.value ? ' checked' : '')}>
<span>${label}${hint ? html`<small>${hint}</small>` : ''}</span></label>`);
  return html`<fieldset class="field"><legend>${o.legend}</legend>${items}
${o.error ? html`<p class="error">${o.error}</p>` : ''}</fieldset>`;
}

/** A revealed secret: a read-only field with the given label and a copy button (shown when scripts run). */
export function secretReveal(id: string, label: string, value: string): Raw {
  return html`<div class="secret">
<label for="${id}">${label}</label>
<div class="secret-row">
<input id="${id}" class="mono" readonly value="${value}" autocomplete="off" spellcheck="false">
<button type="button" class="button js-only" data-copy="${id}">Copy</button>
</div>
<p class="hint" role="status" data-copy-status="${id}"></p>
</div>`;
}

/** Lines of a textarea as a list (blank lines dropped). */
export const lines = (text: string | undefined): string[] => (text ?? '').split(/\r?\n|,/).map((s) => s.trim()).filter(Boolean);
