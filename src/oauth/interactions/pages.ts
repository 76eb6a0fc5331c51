import { describeScope } from './descriptions.js';
import { html, page, Raw, type RenderedPage } from './html.js';

export interface LoginView {
  action: string;
  csrf: string;
  clientName: string;
  email?: string;
  error?: string;
  status?: number;
  formAction?: string[];
  /** why this sign-in is asked again (e.g. the organization requires a second factor), shown above the form */
  notice?: string;
  /** "Forgot password?" and, with self sign-up, "Create an account" */
  links?: { forgotPassword: string; signup?: string };
  /** sign-in with a passkey, no password: the ceremony's options URL and the form's action (loads the WebAuthn script) */
  passkey?: { options: string; action: string; script: string };
  /**
   * email-first sign-in (some organization signs its people in through an identity provider):
   * `email` asks for the email only; `password` then asks for the password of that email
   * (`restart` leads back to the first step). Absent: one form with both.
   */
  step?: 'email' | 'password';
  restart?: string;
}

/** The "Sign in with a passkey" form: hidden until the WebAuthn script runs, so without script it is not there. */
export function passkeyForm(v: { action: string; options: string; csrf: string; label: string; id: string; pending?: string;
  mode?: 'authenticate' | 'register'; secondary?: boolean }): Raw {
  return html`<form method="post" action="${v.action}" data-webauthn="${v.mode ?? 'authenticate'}" data-options="${v.options}" hidden class="divider">
<input type="hidden" name="csrf" value="${v.csrf}">${v.pending ? html`<input type="hidden" name="pending" value="${v.pending}">` : ''}
<input type="hidden" name="response" value="">
<div id="${v.id}-error" class="alert" role="alert"></div>
<button type="submit"${v.secondary === false ? '' : html` class="secondary"`}>${v.label}</button>
</form>`;
}

/** The sign-in page: a plain POST form (email, password), errors announced in an alert region. */
export function loginPage(v: LoginView): RenderedPage {
  const invalid = v.error ? 'true' : 'false';
  return page({
    title: 'Sign in', status: v.status, formAction: v.formAction, script: v.passkey?.script,
    body: html`<h1>Sign in</h1>
<p class="lead">to continue to <strong>${v.clientName}</strong></p>
${v.notice ? html`<p class="notice">${v.notice}</p>` : ''}
<div id="form-error" class="alert" role="alert">${v.error ?? ''}</div>
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}">${v.step === 'email' ? html`<input type="hidden" name="step" value="email">` : ''}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required${v.step === 'password' ? html` readonly` : html` autofocus`}
 value="${v.email ?? ''}" aria-invalid="${invalid}" aria-describedby="form-error">
${v.step === 'email' ? '' : html`<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${v.step === 'password' ? html` autofocus` : ''} aria-invalid="${invalid}">`}
<button type="submit">${v.step === 'email' ? 'Continue' : 'Sign in'}</button>
</form>
${v.links ? html`<p class="links">${v.step === 'password' && v.restart ? html`<a href="${v.restart}">Use another email</a>` : ''}<a href="${v.links.forgotPassword}">Forgot password?</a>${v.links.signup ? html`<a href="${v.links.signup}">Create an account</a>` : ''}</p>` : ''}
${v.passkey ? passkeyForm({ ...v.passkey, csrf: v.csrf, label: 'Sign in with a passkey', id: 'passkey' }) : ''}`,
  });
}

export interface ConsentView {
  action: string;
  csrf: string;
  clientName: string;
  accountEmail: string;
  /** the organization that registered the application */
  ownerName: string;
  /** the organization the application will act for */
  organizationName: string;
  scopes: string[];
  formAction?: string[];
}

/** The consent page: who made the application, where it will act, what it asks for in words; allow and deny buttons. */
export function consentPage(v: ConsentView): RenderedPage {
  const items = v.scopes.map((s) => html`<li>${describeScope(s)}<code>${s}</code></li>`);
  return page({
    title: 'Allow access', formAction: v.formAction,
    body: html`<h1>Allow access?</h1>
<p class="lead"><strong>${v.clientName}</strong>, an application of ${v.ownerName}, asks to act for you in
<strong>${v.organizationName}</strong>. It would like to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${v.action}">
<input type="hidden" name="csrf" value="${v.csrf}">
<button type="submit" name="decision" value="allow" autofocus>Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
<p class="meta">Signed in as ${v.accountEmail}.</p>`,
  });
}

/**
 * On the way to an organization's identity provider: the browser goes on by itself (a meta
 * refresh, no script), or with the link. A page rather than a redirect, because Chromium holds
 * the redirects after a form submission to the submitting page's CSP `form-action`, which cannot
 * name every organization's provider.
 */
export function onwardPage(v: { title: string; message: string; to: string; link: string }): RenderedPage {
  return page({
    title: v.title, refresh: v.to,
    body: html`<h1>${v.title}</h1>
<p class="lead">${v.message}</p>
<p><a href="${v.to}">${v.link}</a></p>`,
  });
}

/** An error page that never redirects anywhere (e.g. an unregistered redirect_uri). */
export function errorPage(v: { title: string; message: string; status: number; detail?: string }): RenderedPage {
  return page({
    title: v.title, status: v.status,
    body: html`<h1>${v.title}</h1>
<div class="alert" role="alert">${v.message}</div>
${v.detail ? html`<p class="meta">${v.detail}</p>` : ''}`,
  });
}

/** RP-initiated logout confirmation around oidc-provider's hidden form (`op.logoutForm`). */
export function logoutPage(form: string, host: string): RenderedPage {
  return page({
    title: 'Sign out',
    body: html`<h1>Sign out?</h1>
<p class="lead">Do you want to sign out of ${host}?</p>
${new Raw(form)}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  });
}

/** After a logout with no post_logout_redirect_uri. */
export function loggedOutPage(): RenderedPage {
  return page({ title: 'Signed out', body: html`<h1>You are signed out</h1><p class="lead">You can close this window.</p>` });
}
