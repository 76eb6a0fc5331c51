import type { Context } from 'koa';
import { html, type Raw } from '../../oauth/interactions/html.js';
import type { Origin } from '../api/dispatch.js';
import type { ConsoleAssets } from '../ui/assets.js';
import { layout, PAGE_HEADERS, type Chrome } from '../ui/layout.js';
import type { Outcome } from '../ui/view.js';

/** Whether the page's script asked for the content alone (to show it in a dialog). */
export const wantsFragment = (ctx: Context) => ctx.get('x-console-fragment') === '1';

/** Whether a script asked for JSON only (the passkey ceremony's request for its options). */
const wantsJson = (ctx: Context) => ctx.get('accept') === 'application/json';

/** Where the person's request came from, handed to the API calls made for it. */
export function originOf(ctx: Context): Origin {
  const socket = ctx.req.socket as { remoteAddress?: string; encrypted?: boolean };
  return {
    remoteAddress: socket.remoteAddress, encrypted: Boolean(socket.encrypted),
    forwardedFor: ctx.get('x-forwarded-for') || undefined, forwardedProto: ctx.get('x-forwarded-proto') || undefined,
  };
}

/**
 * Writes a page handler's outcome: the whole page, or (for the page's script) the content alone;
 * a redirect is a 303, or for the script a 204 naming where to go; JSON as it is. A script asking
 * for JSON that meets a page instead (a refusal before the handler ran) gets `{message}`.
 */
export function respond(ctx: Context, assets: ConsoleAssets, outcome: Outcome, chrome: Chrome | null): void {
  ctx.set(PAGE_HEADERS);
  ctx.vary('X-Console-Fragment');
  if (outcome.kind === 'redirect') {
    if (wantsFragment(ctx)) {
      ctx.status = 204;
      ctx.set('X-Console-Location', outcome.to);
      return;
    }
    ctx.status = 303;
    ctx.redirect(outcome.to);
    return;
  }
  if (outcome.kind === 'json' || wantsJson(ctx)) {
    ctx.status = outcome.kind === 'json' ? outcome.status : (outcome.status ?? 200);
    ctx.body = outcome.kind === 'json' ? outcome.body : { message: outcome.message ?? outcome.title };
    return;
  }
  ctx.status = outcome.status ?? 200;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = wantsFragment(ctx) ? outcome.body.value : layout(assets, outcome.title, outcome.body, chrome, outcome.script);
}

/** A message page (a refusal, an ending) whose text also answers a script that asked for JSON. */
export function messageOutcome(title: string, heading: string, message: string, status?: number, action?: { href: string; text: string }): Outcome {
  return { kind: 'page', title, body: messagePage(heading, message, action), status, message };
}

/** A simple message page (errors, signed out). */
export function messagePage(title: string, message: string | Raw, action?: { href: string; text: string }): Raw {
  return html`<section class="panel narrow">
<h1 id="page-title">${title}</h1>
<p>${message}</p>
${action ? html`<p><a class="button primary" href="${action.href}">${action.text}</a></p>` : ''}
</section>`;
}
