import { html, page, type Raw, type RenderedPage } from './html.js';

/** The account pages beside the login page: sign-up, email verification, password reset. */

type FieldErrors = Partial<Record<string, string>>;

/** A labelled input with its hint and its own error, tied together with aria-describedby. */
function field(v: { id: string; label: string; type: string; autocomplete: string; value?: string; hint?: string; errors: FieldErrors;
  extra?: Raw }): Raw {
  const error = v.errors[v.id];
  const described = [v.hint ? `${v.id}-hint` : '', `${v.id}-error`].filter(Boolean).join(' ');
  return html`<label for="${v.id}">${v.label}</label>
<input id="${v.id}" name="${v.id}" type="${v.type}" autocomplete="${v.autocomplete}" required value="${v.value ?? ''}"
 aria-invalid="${error ? 'true' : 'false'}" aria-describedby="${described}"${v.type === 'text' ? html` class="plain"` : ''}${v.extra ?? ''}>
${v.hint ? html`<p id="${v.id}-hint" class="hint">${v.hint}</p>` : ''}<p id="${v.id}-error" class="field-error">${error ?? ''}</p>`;
}

const summary = (errors: FieldErrors, message = 'Check the fields marked below.') =>
  html`<div id="form-error" class="alert" role="alert">${Object.keys(errors).length ? message : ''}</div>`;

const backToSignIn = (interaction?: string, words = 'Back to sign in') =>
  (interaction ? html`<p class="links"><a href="/interaction/${interaction}">${words}</a></p>` : '');

export interface SignupView {
  action: string;
  csrf: string;
  values: { email?: string; organization?: string; requireMfa: boolean };
  errors: FieldErrors;
  /** the sign-in this page was opened from, to go back to */
  interaction?: string;
  status?: number;
  formError?: string;
}

/** Sign-up: email, password, organization name, and whether the new organization requires two-step verification. */
export function signupPage(v: SignupView): RenderedPage {
  return page({
    title: 'Create an account', status: v.status,
    body: html`<h1>Create an account</h1>
<p class="lead">A new organization, with you as its administrator.</p>
${summary(v.errors, v.formError)}
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}">${v.interaction ? html`<input type="hidden" name="interaction" value="${v.interaction}">` : ''}
${field({ id: 'email', label: 'Work email', type: 'email', autocomplete: 'email', value: v.values.email, errors: v.errors })}
${field({ id: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: 'At least 8 characters. A few unrelated words make a strong one.', errors: v.errors })}
${field({ id: 'organization', label: 'Organization name', type: 'text', autocomplete: 'organization', value: v.values.organization, errors: v.errors })}
<div class="check"><input id="require_mfa" name="require_mfa" type="checkbox" value="yes"${v.values.requireMfa ? html` checked` : ''} aria-describedby="require_mfa-hint">
<label for="require_mfa">Require two-step verification for everyone in the organization</label></div>
<p id="require_mfa-hint" class="hint">Recommended: members then sign in with an authenticator app or a passkey as well as their password.</p>
<button type="submit">Create account</button>
</form>
${backToSignIn(v.interaction, 'I have an account: sign in')}`,
  });
}

/** After a sign-up form was taken: the same words whether or not the email had an account. */
export function checkMailPage(v: { email: string; interaction?: string }): RenderedPage {
  return page({
    title: 'Check your mail',
    body: html`<h1>Check your mail</h1>
<p class="lead" role="status">We sent a message to <strong>${v.email}</strong>. Open the link in it to confirm your address (it works once, for 24 hours), then sign in.</p>
<p>No message after a few minutes? Look in your spam folder, or sign up again.</p>
${backToSignIn(v.interaction)}`,
  });
}

/** A mailed link's page: one button that uses it (a mail scanner following the link changes nothing). */
export function confirmLinkPage(v: { title: string; lead: Raw; action: string; csrf: string; token: string; button: string }): RenderedPage {
  return page({
    title: v.title,
    body: html`<h1>${v.title}</h1>
<p class="lead">${v.lead}</p>
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}"><input type="hidden" name="token" value="${v.token}">
<button type="submit" autofocus>${v.button}</button>
</form>`,
  });
}

/** A one-paragraph outcome page. */
export function outcomePage(v: { title: string; message: Raw | string; status?: number }): RenderedPage {
  return page({ title: v.title, status: v.status, body: html`<h1>${v.title}</h1><p class="lead" role="status">${v.message}</p>` });
}

/** "Forgot password?": the email to send a reset link to. */
export function forgotPasswordPage(v: { action: string; csrf: string; email?: string; errors: FieldErrors; interaction?: string; status?: number;
  formError?: string }): RenderedPage {
  return page({
    title: 'Reset your password', status: v.status,
    body: html`<h1>Reset your password</h1>
<p class="lead">Enter the email you sign in with. We will mail you a link to choose a new password.</p>
${summary(v.errors, v.formError)}
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}">${v.interaction ? html`<input type="hidden" name="interaction" value="${v.interaction}">` : ''}
${field({ id: 'email', label: 'Email', type: 'email', autocomplete: 'username', value: v.email, errors: v.errors })}
<button type="submit">Send the link</button>
</form>
${backToSignIn(v.interaction)}`,
  });
}

/** After a reset request: the same words whether or not the email has an account. */
export function resetLinkSentPage(v: { email: string; interaction?: string }): RenderedPage {
  return page({
    title: 'Check your mail',
    body: html`<h1>Check your mail</h1>
<p class="lead" role="status">If an account uses <strong>${v.email}</strong>, we sent it a link to choose a new password. The link works once, for 30 minutes.</p>
${backToSignIn(v.interaction)}`,
  });
}

/** The reset link's page: the new password, twice. */
export function newPasswordPage(v: { action: string; csrf: string; token: string; email: string; errors: FieldErrors; status?: number }): RenderedPage {
  return page({
    title: 'Choose a new password', status: v.status,
    body: html`<h1>Choose a new password</h1>
<p class="lead">For <strong>${v.email}</strong>. Choosing it signs you out everywhere.</p>
${summary(v.errors)}
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}"><input type="hidden" name="token" value="${v.token}">
${field({ id: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'At least 8 characters.', errors: v.errors })}
${field({ id: 'confirm', label: 'Repeat it', type: 'password', autocomplete: 'new-password', errors: v.errors })}
<button type="submit">Set the password</button>
</form>`,
  });
}
