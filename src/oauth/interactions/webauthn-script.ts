import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';

/** Where the pages load the WebAuthn ceremony from. */
export const WEBAUTHN_SCRIPT_PATH = '/assets/webauthn.js';

/**
 * The only script our pages run: the WebAuthn ceremony, which a browser performs only for
 * script. It enhances forms marked `data-webauthn="register|authenticate"` (hidden until it
 * runs, so without script nothing broken shows): on submit it asks `data-options` (POSTing the
 * form's own fields, its CSRF token among them) for the ceremony's options, runs
 * `navigator.credentials.create|get`, puts the answer (JSON, base64url) into the form's `response`
 * field and submits the form the ordinary way; the server answers with a page as for any form.
 * Errors go to the form's `role="alert"` region.
 */
const SOURCE = String.raw`(() => {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  const decode = (text) => {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
  };
  const encode = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: decode(c.id) }));
  const creation = (o) => ({ ...o, challenge: decode(o.challenge), user: { ...o.user, id: decode(o.user.id) }, excludeCredentials: withIds(o.excludeCredentials) });
  const request = (o) => ({ ...o, challenge: decode(o.challenge), allowCredentials: withIds(o.allowCredentials) });
  const toJSON = (credential) => {
    const r = credential.response;
    const response = r.attestationObject
      ? { clientDataJSON: encode(r.clientDataJSON), attestationObject: encode(r.attestationObject), transports: r.getTransports ? r.getTransports() : [] }
      : { clientDataJSON: encode(r.clientDataJSON), authenticatorData: encode(r.authenticatorData), signature: encode(r.signature),
          userHandle: r.userHandle ? encode(r.userHandle) : undefined };
    return { id: credential.id, rawId: encode(credential.rawId), type: credential.type, response,
      authenticatorAttachment: credential.authenticatorAttachment || undefined, clientExtensionResults: credential.getClientExtensionResults() };
  };
  for (const form of document.querySelectorAll('form[data-webauthn]')) {
    form.hidden = false;
    const alert = form.querySelector('[role="alert"]');
    const button = form.querySelector('button');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      alert.textContent = '';
      button.disabled = true;
      try {
        const fields = new URLSearchParams(new FormData(form));
        fields.delete('response');
        const res = await fetch(form.dataset.options, { method: 'POST', body: fields, credentials: 'same-origin', headers: { accept: 'application/json' } });
        const answer = await res.json();
        if (!res.ok) throw new Error(answer.message || 'Passkeys cannot be used right now.');
        const credential = form.dataset.webauthn === 'register'
          ? await navigator.credentials.create({ publicKey: creation(answer.options) })
          : await navigator.credentials.get({ publicKey: request(answer.options) });
        form.elements.response.value = JSON.stringify(toJSON(credential));
        form.submit();
      } catch (err) {
        alert.textContent = err && err.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out. Try again.'
          : (err && err.message) || 'The passkey could not be used. Try again.';
        button.disabled = false;
      }
    });
  }
})();
`;

/** The ceremony's source, which the console also serves among its own assets. */
export const WEBAUTHN_SOURCE = SOURCE;

const ETAG = `"${createHash('sha256').update(SOURCE).digest('base64url').slice(0, 16)}"`;

/** Serves the script (GET and HEAD), cacheable for an hour and revalidated by its ETag. */
export function webauthnScript(): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== WEBAUTHN_SCRIPT_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('ETag', ETAG);
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (ctx.get('if-none-match') === ETAG) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = SOURCE;
  };
}
