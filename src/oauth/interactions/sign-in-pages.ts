import { renderSVG } from 'uqr';
import { html, page, Raw, type RenderedPage } from './html.js';
import { passkeyForm } from './pages.js';

/** What every step page of a sign-in carries: where its forms post, the CSRF token, the pending sign-in, the script. */
export interface StepContext {
  /** `/interaction/<uid>` */
  base: string;
  csrf: string;
  pending: string;
  script: string;
  formAction?: string[];
}

const hidden = (c: StepContext) => html`<input type="hidden" name="csrf" value="${c.csrf}"><input type="hidden" name="pending" value="${c.pending}">`;

/** The second step: a code (an authenticator app's or a recovery code), or a passkey. */
export function secondFactorPage(c: StepContext, v: { email: string; hasApp: boolean; hasPasskey: boolean; error?: string; status?: number }): RenderedPage {
  const label = v.hasApp ? 'Code from your authenticator app, or a recovery code' : 'Recovery code';
  return page({
    title: 'Two-step verification', status: v.status, formAction: c.formAction, script: v.hasPasskey ? c.script : undefined,
    body: html`<h1>Two-step verification</h1>
<p class="lead">Signing in as <strong>${v.email}</strong>.${v.hasPasskey ? ' Use your passkey, or enter a code.' : ''}</p>
<div id="code-error" class="alert" role="alert">${v.error ?? ''}</div>
<form method="post" action="${c.base}/mfa" novalidate>
${hidden(c)}
<label for="code">${label}</label>
<input id="code" name="code" type="text" class="plain" inputmode="${v.hasApp ? 'numeric' : 'text'}" autocomplete="one-time-code"
 autocapitalize="none" spellcheck="false" required autofocus aria-invalid="${v.error ? 'true' : 'false'}" aria-describedby="code-hint code-error">
<p id="code-hint" class="hint">${v.hasApp ? 'Six digits, or a recovery code such as abcde-12345.' : 'One of the codes you saved when you set up your passkey.'}</p>
<button type="submit">Verify</button>
</form>
${v.hasPasskey ? passkeyForm({ action: `${c.base}/passkey`, options: `${c.base}/passkey-options`, csrf: c.csrf, pending: c.pending, label: 'Use your passkey', id: 'passkey' }) : ''}`,
  });
}

/** The QR code of an `otpauth://` URI, as inline SVG (no script, no image request), named for screen readers. */
export function qrCode(uri: string): Raw {
  return new Raw(renderSVG(uri).replace('<svg ', '<svg role="img" aria-label="QR code for your authenticator app" focusable="false" '));
}

/**
 * Enrolment at sign-in, when the organization requires a second factor the person lacks: an
 * authenticator app (QR code, the key to type, a first code) or a passkey.
 */
export function enrolPage(c: StepContext, v: { email: string; uri: string; secret: string; factorId: string; error?: string; status?: number }): RenderedPage {
  return page({
    title: 'Set up two-step verification', status: v.status, formAction: c.formAction, script: c.script,
    body: html`<h1>Set up two-step verification</h1>
<p class="lead">Your organization requires a second step when <strong>${v.email}</strong> signs in. Set it up now to continue.</p>
<h2>With an authenticator app</h2>
<p>Scan this code with an authenticator app, or type the key into it.</p>
<div class="qr">${qrCode(v.uri)}</div>
<p class="hint">Key: <code class="secret" id="totp-secret">${v.secret.match(/.{1,4}/g)?.join(' ') ?? v.secret}</code></p>
<div id="enrol-error" class="alert" role="alert">${v.error ?? ''}</div>
<form method="post" action="${c.base}/enrol-totp" novalidate>
${hidden(c)}<input type="hidden" name="factor" value="${v.factorId}">
<label for="code">Code from the app</label>
<input id="code" name="code" type="text" class="plain" inputmode="numeric" autocomplete="one-time-code" required
 aria-invalid="${v.error ? 'true' : 'false'}" aria-describedby="enrol-error">
<button type="submit">Turn on</button>
</form>
${passkeyForm({ action: `${c.base}/enrol-passkey`, options: `${c.base}/enrol-passkey-options`, csrf: c.csrf, pending: c.pending, label: 'Use a passkey instead', id: 'passkey', mode: 'register' })}`,
  });
}

/** Right after a first factor: the recovery codes, shown this once, and a button to go on. */
export function recoveryCodesPage(c: StepContext, codes: string[]): RenderedPage {
  return page({
    title: 'Save your recovery codes', formAction: c.formAction,
    body: html`<h1>Save your recovery codes</h1>
<p class="lead">Two-step verification is on. If you lose your phone or passkey, each of these codes signs you in once. Keep them somewhere safe: they are not shown again.</p>
<ol class="codes" aria-label="Recovery codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
<form method="post" action="${c.base}/continue">
${hidden(c)}
<button type="submit" autofocus>I saved them, continue</button>
</form>`,
  });
}

/** The password was right but the email is not verified yet: no sign-in until it is; the link can be sent again. */
export function verifyEmailFirstPage(c: StepContext, v: { email: string; sent?: boolean }): RenderedPage {
  return page({
    title: 'Confirm your email first', status: v.sent ? 200 : 403, formAction: c.formAction,
    body: html`<h1>Confirm your email first</h1>
${v.sent ? html`<p class="notice" role="status">If the link can be sent again, it is on its way to <strong>${v.email}</strong>. It works once, for 24 hours.</p>` : ''}
<p class="lead">Open the link we mailed to <strong>${v.email}</strong> when you signed up, then sign in again.</p>
<form method="post" action="${c.base}/resend">
${hidden(c)}
<button type="submit" class="secondary">Send the link again</button>
</form>`,
  });
}
