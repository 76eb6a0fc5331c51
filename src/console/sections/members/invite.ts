import { html } from '../../../oauth/interactions/html.js';
import { problemOf, type Problem } from '../../api/calls.js';
import { csrfField, field, fieldProblems, problemAlert } from '../../ui/forms.js';
import { pageOf, redirectTo, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { apiFailure } from '../shared.js';
import { roleCatalogue } from './model.js';
import { rolePicker } from './role-picker.js';

async function inviteForm(page: OrgPage, draft: { email: string; roles: string[] }, problem: Problem | null): Promise<Outcome> {
  const errors = fieldProblems(problem);
  const catalogue = await roleCatalogue(page);
  return pageOf('Invite member', html`<section class="panel form-panel"><h1 id="page-title">Invite member</h1>${problemAlert(problem)}
<form method="post" action="${page.base}/members/invite" data-dialog novalidate>${csrfField(page.csrf)}
${field({ id: 'invite-email', name: 'email', label: 'Email', type: 'email', value: draft.email, required: true, autofocus: true, error: errors.get('email'),
    hint: 'A link to join, valid 7 days, is mailed there. They sign in, or choose a password if they are new.', attrs: 'autocomplete="off" spellcheck="false"' })}
${rolePicker(catalogue.offered, draft.roles, errors.get('roles'))}
<div class="form-actions"><button type="submit" class="button primary">Send invitation</button><a class="button" href="${page.base}/members" data-close>Cancel</a></div>
</form></section>`, problem ? problem.status : 200);
}

export const newInvitation = (page: OrgPage) => inviteForm(page, { email: '', roles: ['member'] }, null);

/** `POST …/invitations`: the mail goes out; a refusal (already a member, too many, a role the person lacks) is shown in the form. */
export async function sendInvitation(page: OrgPage): Promise<Outcome> {
  const draft = { email: page.form!.get('email').trim(), roles: page.form!.all('roles') };
  const answer = await page.api.post('/invitations', draft);
  return answer.status === 201 ? redirectTo(`${page.base}/members?done=invited`) : inviteForm(page, draft, problemOf(answer));
}

/** `DELETE …/invitations/{id}`: the link stops working. */
export async function revokeInvitation(page: OrgPage): Promise<Outcome> {
  const answer = await page.api.delete(`/invitations/${encodeURIComponent(page.params.id)}`);
  return answer.status === 204 ? redirectTo(`${page.base}/members?done=revoked`) : apiFailure('Revoke invitation', problemOf(answer));
}
