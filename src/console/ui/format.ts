import { html, type Raw } from '../../oauth/interactions/html.js';

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** A timestamp as `<time>`: readable text (UTC), machine-readable `datetime`; a dash when absent. */
export function when(iso: string | null | undefined, none = '—'): Raw {
  if (!iso) return html`<span class="muted">${none}</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`<span class="muted">${none}</span>`;
  return html`<time datetime="${d.toISOString()}">${DATE.format(d)} UTC</time>`;
}

/** Text for screen readers only (e.g. which row a repeated button acts on). */
export const hidden = (text: string): Raw => html`<span class="vh">${text}</span>`;

/** A small coloured label. */
export const badge = (text: string, tone: 'ok' | 'warn' | 'off' | 'info' = 'info'): Raw => html`<span class="badge badge-${tone}">${text}</span>`;
