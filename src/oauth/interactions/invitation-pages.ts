import { html, page, type RenderedPage } from './html.js';

export interface InvitationView {
  action: string;
  csrf: string;
  token: string;
  organizationName: string;
  email: string;
  /** which form the error belongs to */
  error?: { form: 'signin' | 'signup'; message: string };
  status?: number;
}

/**
 * The invitation page: join an organization by signing in to the invited email's account, or,
 * for someone new, by choosing a password. Two plain POST forms, no script; the email is the
 * invitation's and cannot be changed.
 */
export function invitationPage(v: InvitationView): RenderedPage {
  const errorOf = (form: 'signin' | 'signup') => (v.error?.form === form ? v.error.message : '');
  const hidden = html`<input type="hidden" name="csrf" value="${v.csrf}"><input type="hidden" name="token" value="${v.token}">`;
  return page({
    title: `Join ${v.organizationName}`, status: v.status,
    body: html`<h1>Join ${v.organizationName}</h1>
<p class="lead">You were invited as <strong>${v.email}</strong>.</p>
<h2>I have an account</h2>
<div id="signin-error" class="alert" role="alert">${errorOf('signin')}</div>
<form method="post" action="${v.action}">
${hidden}<input type="hidden" name="mode" value="signin">
<label for="signin-password">Password</label>
<input id="signin-password" name="password" type="password" autocomplete="current-password" required aria-describedby="signin-error">
<button type="submit">Sign in and join</button>
</form>
<h2>I am new here</h2>
<div id="signup-error" class="alert" role="alert">${errorOf('signup')}</div>
<form method="post" action="${v.action}">
${hidden}<input type="hidden" name="mode" value="signup">
<label for="new-password">Choose a password (at least 8 characters)</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="8" aria-describedby="signup-error">
<label for="confirm-password">Repeat it</label>
<input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit" class="secondary">Create my account and join</button>
</form>`,
  });
}

/** After joining. */
export function joinedPage(organizationName: string): RenderedPage {
  return page({
    title: `Welcome to ${organizationName}`,
    body: html`<h1>You joined ${organizationName}</h1>
<p class="lead">You can now sign in to ${organizationName}'s applications with your email and password. You can close this window.</p>`,
  });
}
