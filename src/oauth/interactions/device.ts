import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Store } from '../../store/ports.js';
import { html, page, send } from './html.js';
import { errorPage } from './pages.js';

/** Device-flow (RFC 8628) pages: enter the code, confirm it, done. Same look, CSP and no-script rules as login. */

const ERRORS: Record<string, string> = {
  NoCodeError: 'Enter the code shown on your device.',
  NotFoundError: 'That code is not right. Check it and try again.',
  ExpiredError: 'That code has expired. Start again on your device.',
  AlreadyUsedError: 'That code was used already. Start again on your device.',
  AbortedError: 'The sign-in was cancelled. You can close this window.',
};

interface DeviceError { name?: string; userCode?: string }

/** oidc-provider's `userCodeInputSource`: a labelled code field posting to the verification endpoint. */
export async function userCodeInputSource(ctx: KoaContextWithOIDC, _form: string, _out?: unknown, err?: unknown): Promise<void> {
  const e = err as DeviceError | undefined;
  const message = e ? (ERRORS[e.name ?? ''] ?? 'The code could not be checked. Try again.') : '';
  send(ctx, page({
    title: 'Connect a device', status: e ? Math.max(ctx.status, 400) : 200,
    body: html`<h1>Connect a device</h1>
<p class="lead">Enter the code your device or command line shows.</p>
<div id="form-error" class="alert" role="alert">${message}</div>
<form method="post" action="${ctx.oidc.urlFor('code_verification')}" novalidate>
<input type="hidden" name="xsrf" value="${ctx.oidc.session?.state?.secret ?? ''}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false"
 required autofocus value="${e?.userCode ?? ''}" aria-invalid="${e ? 'true' : 'false'}" aria-describedby="form-error">
<button type="submit">Continue</button>
</form>`,
  }));
}

/**
 * oidc-provider's `userCodeConfirmSource`: which application asks, from which address, and the
 * code to compare with the device's (a phishing check), with continue and cancel buttons.
 */
export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, _form: string, client: { clientName?: string; clientId: string },
  deviceInfo: { ip?: string } | undefined, userCode: string): Promise<void> {
  send(ctx, page({
    title: 'Confirm the code',
    body: html`<h1>Is this your device?</h1>
<p class="lead"><strong>${client.clientName ?? client.clientId}</strong> wants to sign in on a device${deviceInfo?.ip ? html` at ${deviceInfo.ip}` : ''}.
Continue only if the device shows this code:</p>
<p class="code"><code>${userCode}</code></p>
<form method="post" action="${ctx.oidc.urlFor('code_verification')}">
<input type="hidden" name="xsrf" value="${ctx.oidc.session?.state?.secret ?? ''}">
<input type="hidden" name="user_code" value="${userCode}">
<button type="submit" name="confirm" value="yes" autofocus>Continue</button>
<button type="submit" name="abort" value="yes" class="secondary">Cancel</button>
</form>`,
  }));
}

/** oidc-provider's `successSource`: the device may go on; this window can close. */
export async function successSource(ctx: KoaContextWithOIDC): Promise<void> {
  const name = ctx.oidc.client?.clientName ?? 'the application';
  send(ctx, page({
    title: 'Device connected',
    body: html`<h1>Device connected</h1><p class="lead">${name} on your device is signed in. You can close this window.</p>`,
  }));
}

/**
 * Throttles code entry per client address (RFC 8628 §5.1: user codes are short enough to guess
 * at scale): every POST to the verification page takes from the `loginPerIp` budget; over it,
 * 429 with Retry-After and no lookup of the code.
 */
export function throttleUserCodes(deps: { store: Store; window: { limit: number; windowSeconds: number } }): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/device') return next();
    const now = Date.now();
    const taken = await deps.store.rateLimits.take({
      bucket: `device-code-ip:${ctx.ip}`, windowMs: deps.window.windowSeconds * 1000, limit: deps.window.limit, cost: 1, now,
    });
    if (taken.allowed) return next();
    const wait = Math.max(1, Math.ceil((taken.resetAt - now) / 1000));
    ctx.set('Retry-After', String(wait));
    send(ctx, errorPage({ status: 429, title: 'Too many attempts', message: `Too many codes were entered from this address. Try again in ${Math.ceil(wait / 60)} minute(s).` }));
  };
}
