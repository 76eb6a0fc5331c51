import { grantsAll } from '../../domain/permissions.js';
import { html, type Raw } from '../../oauth/interactions/html.js';
import type { Problem } from '../api/calls.js';
import { badge } from '../ui/format.js';
import { csrfField, problemAlert } from '../ui/forms.js';
import type { VocabularyJson } from './grantable.js';
import type { OrgPage } from './section.js';

/**
 * Whether the person may change `mfa_required`: the API wants `organizations:write` and every
 * permission an enabled member holds. An organization always keeps an enabled admin, who holds
 * its whole vocabulary, so that is the whole vocabulary (unknown without `resources:read`, which
 * is part of it).
 */
export function mayChangeMfa(page: OrgPage, vocabulary: VocabularyJson | null): boolean {
  return page.can('organizations:write') && vocabulary !== null && grantsAll(page.permissions, vocabulary.permissions);
}

/** The requirement of a second factor: its state, what it does, and the switch when the person may use it (the API's refusal shown in it). */
export function mfaPanel(page: OrgPage, required: boolean, offered: boolean, problem: Problem | null): Raw {
  const control = offered
    ? html`<form method="post" action="${page.base}/settings/mfa">${csrfField(page.csrf)}<input type="hidden" name="mfa_required" value="${required ? 'false' : 'true'}">
<button type="submit" class="button${required ? '' : ' primary'}">${required ? 'Stop requiring two-step verification' : 'Require two-step verification'}</button></form>`
    : html`<p class="hint">Only someone who holds every permission the members of ${page.org.name} hold (an admin) can change this.</p>`;
  return html`<section class="panel" aria-labelledby="mfa-title"><h2 id="mfa-title">Two-step verification</h2>
<p>${required ? badge('required', 'ok') : badge('not required', 'off')}</p>
<p>When it is required, every member signs in with a second factor (an authenticator app or a passkey), in the console and in every app; members without one set it up at their next sign-in. Each person manages their own factors on the Security page.</p>
${problemAlert(problem)}
${control}</section>`;
}

/** The form's wish as the API takes it. */
export const mfaWish = (page: OrgPage): boolean => page.form!.get('mfa_required') === 'true';
