import { html } from '../../../oauth/interactions/html.js';
import { problemOf, type ApiAnswer, type Problem } from '../../api/calls.js';
import { csrfField, fieldProblems, problemAlert } from '../../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure, confirmation } from '../shared.js';
import { memberLabel, memberPath, roleCatalogue, type MemberJson } from './model.js';
import { rolePicker } from './role-picker.js';

const listed = (page: OrgPage, done: string) => redirectTo(`${page.base}/members?done=${done}`);
const actionPath = (page: OrgPage, action: string) => `/members/${encodeURIComponent(page.params.id)}/${action}`;

async function member(page: OrgPage): Promise<{ member: MemberJson } | { failed: Problem }> {
  const answer = await page.api.get<MemberJson>(memberPath(page));
  return answer.status === 200 ? { member: answer.body } : { failed: problemOf(answer) };
}

async function rolesForm(page: OrgPage, m: MemberJson, selected: readonly string[], problem: Problem | null): Promise<Outcome> {
  const catalogue = await roleCatalogue(page);
  const title = `Change the roles of ${memberLabel(m)}`;
  return pageOf(title, html`<section class="panel form-panel"><h1 id="page-title">${title}</h1>${problemAlert(problem)}
<form method="post" action="${page.base}${actionPath(page, 'roles')}" data-dialog novalidate>${csrfField(page.csrf)}
${rolePicker(catalogue.offered, selected, fieldProblems(problem).get('roles'))}
<div class="form-actions"><button type="submit" class="button primary">Save roles</button><a class="button" href="${page.base}/members" data-close>Cancel</a></div>
</form></section>`, problem ? problem.status : 200);
}

/** The roles form, with the member's current roles ticked. */
export async function editRoles(page: OrgPage): Promise<Outcome> {
  const found = await member(page);
  return 'failed' in found ? apiFailure('Change roles', found.failed) : rolesForm(page, found.member, found.member.roles, null);
}

/** `PATCH …/users/{id}` `{roles}`; a refusal (the last admin, a role the person lacks) is shown in the form. */
export async function saveRoles(page: OrgPage): Promise<Outcome> {
  const roles = page.form!.all('roles');
  const answer = await page.api.patch<MemberJson>(memberPath(page), { roles });
  if (answer.status === 200) return listed(page, 'roles');
  const found = await member(page);
  return 'failed' in found ? apiFailure('Change roles', problemOf(answer)) : rolesForm(page, found.member, roles, problemOf(answer));
}

function disableQuestion(page: OrgPage, m: MemberJson, problem: Problem | null): Outcome {
  return confirmation(page, {
    title: 'Disable member', question: `Disable ${memberLabel(m)}?`, submit: 'Disable member', action: actionPath(page, 'disable'), back: '/members', problem,
    body: html`<p>They can no longer sign in to ${page.org.name}'s apps or this console for ${page.org.name}. What they authorized apps to do here ends at once,
and the API keys they created are revoked (enabling them again does not bring those keys back).</p>`,
  });
}

function removeQuestion(page: OrgPage, m: MemberJson, problem: Problem | null): Outcome {
  return confirmation(page, {
    title: 'Remove member', question: `Remove ${memberLabel(m)} from ${page.org.name}?`, submit: 'Remove member', action: actionPath(page, 'remove'), back: '/members', problem,
    body: html`<p>Their membership ends: what they authorized apps to do here ends, and the API keys they created are revoked. Their account stays; they can be invited again.</p>`,
  });
}

/** Asks before disabling. */
export async function confirmDisable(page: OrgPage): Promise<Outcome> {
  const found = await member(page);
  return 'failed' in found ? apiFailure('Disable member', found.failed) : disableQuestion(page, found.member, null);
}

/** Asks before removing. */
export async function confirmRemove(page: OrgPage): Promise<Outcome> {
  const found = await member(page);
  return 'failed' in found ? apiFailure('Remove member', found.failed) : removeQuestion(page, found.member, null);
}

/** Runs a change; on refusal (409 `last_admin`, 403) asks again with the API's reason above the form. */
async function change(page: OrgPage, call: Promise<ApiAnswer>, ok: number, done: string, again: (m: MemberJson, p: Problem) => Outcome, title: string): Promise<Outcome> {
  const answer = await call;
  if (answer.status === ok) return listed(page, done);
  const problem = problemOf(answer);
  const found = await member(page);
  return 'failed' in found ? apiFailure(title, problem) : again(found.member, problem);
}

export const disableMember = (page: OrgPage) =>
  change(page, page.api.patch(memberPath(page), { disabled: true }), 200, 'disabled', (m, p) => disableQuestion(page, m, p), 'Disable member');

export const removeMember = (page: OrgPage) =>
  change(page, page.api.delete(memberPath(page)), 204, 'removed', (m, p) => removeQuestion(page, m, p), 'Remove member');

/** Enabling takes nothing away: no confirmation. */
export async function enableMember(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.patch(memberPath(page), { disabled: false });
  return answer.status === 200 ? listed(page, 'enabled') : apiFailure('Enable member', problemOf(answer));
}
