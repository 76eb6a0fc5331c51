import { html, type Raw } from '../../oauth/interactions/html.js';

const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * A timestamp as `<time>`: readable text (UTC; `short`: the day only, the full time in its title),
 * machine-readable `datetime`; `none` when absent.
 */
export function when(iso: string | null | undefined, none = '—', short = false): Raw {
  if (!iso) return html`<span class="muted">${none}</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`<span class="muted">${none}</span>`;
  const full = `${DATE_TIME.format(d)} UTC`;
  return short ? html`<time datetime="${d.toISOString()}" title="${full}">${DATE.format(d)}</time>` : html`<time datetime="${d.toISOString()}">${full}</time>`;
}

/** Text for screen readers only (e.g. which row a repeated button acts on). */
export const hidden = (text: string): Raw => html`<span class="vh">${text}</span>`;

/** A small coloured label. */
export const badge = (text: string, tone: 'ok' | 'warn' | 'off' | 'info' = 'info'): Raw => html`<span class="badge badge-${tone}">${text}</span>`;

/** Permissions (or roles, events) as a row of code chips. */
export const chips = (items: readonly string[]): Raw => html`<ul class="chips">${items.map((p) => html`<li><code>${p}</code></li>`)}</ul>`;
