import { html, type Raw } from '../../../oauth/interactions/html.js';
import { ALL_EVENTS, EVENT_TYPES, type EventType } from '../../../events/catalog.js';

const NOUN_TITLES: Record<string, string> = {
  api_key: 'API keys', member: 'Members', app: 'Apps', refresh_token: 'Refresh tokens', quota: 'Quota', usage: 'Usage', webhook_endpoint: 'Webhook endpoints',
};

/** The catalogue's description as a sentence for a label (capitalised, without Markdown code marks). */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`.replace(/`/g, '');

/** Event types grouped by their noun (`api_key.created` → API keys), in catalogue order. */
function byNoun(types: readonly EventType[]): Array<[string, EventType[]]> {
  const groups = new Map<string, EventType[]>();
  for (const t of types) {
    const noun = t.slice(0, t.indexOf('.'));
    groups.set(noun, [...(groups.get(noun) ?? []), t]);
  }
  return [...groups];
}

/**
 * Checkboxes named `events`, a fieldset per noun, offering the event types the person may
 * subscribe to; "every event" (`*`, present and future) only to someone who may read them all.
 */
export function eventPicker(offered: readonly EventType[], everything: boolean, selected: readonly string[], error?: string): Raw {
  const chosen = new Set(selected);
  let n = 0;
  const groups = byNoun(offered).map(([noun, types]) => html`<fieldset class="perm-group"><legend>${NOUN_TITLES[noun] ?? noun}</legend>
<ul class="perm-list">${types.map((t) => {
    const id = `event-${n++}`;
    return html`<li><input type="checkbox" id="${id}" name="events" value="${t}"${chosen.has(t) ? html` checked` : ''}>
<label for="${id}"><code>${t}</code><small>${sentence(EVENT_TYPES[t].description)}</small></label></li>`;
  })}</ul></fieldset>`);
  return html`<fieldset class="field permissions"${error ? html` aria-describedby="events-error"` : ''}><legend>Events</legend>
${everything ? html`<label class="choice"><input type="checkbox" name="events" value="${ALL_EVENTS}" id="event-all"${chosen.has(ALL_EVENTS) ? html` checked` : ''}>
<span>All events<small>Every event type, present and future.</small></span></label>` : ''}
${offered.length ? groups : html`<p class="hint">You may read the data of no event.</p>`}
${error ? html`<p class="error" id="events-error">${error}</p>` : ''}</fieldset>`;
}
