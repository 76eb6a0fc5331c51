import type { ParsedMail } from 'mailparser';
import { generate } from 'otplib';
import type { Gatehouse } from '../../src/gatehouse.js';
import { FormAgent } from './oauth.js';

/** The hidden inputs and action of the form posting to `actionEnd` (e.g. `/mfa`), or the first form. */
export function formNamed(page: string, actionEnd?: string): { action: string; fields: Record<string, string> } {
  const forms = [...page.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = actionEnd ? forms.find((f) => f[1].endsWith(actionEnd)) : forms[0];
  if (!form) throw new Error(`no form${actionEnd ? ` posting to …${actionEnd}` : ''} on page:\n${page.replace(/<style[\s\S]*?<\/style>/, '').slice(0, 1500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[input[1]] = unescape(input[2]);
  return { action: form[1], fields };
}

const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A page's text without markup, whitespace collapsed (for comparing what two answers say). */
export function visibleText(page: string): string {
  return page.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/ ([,.;:!?])/g, '$1').trim();
}

/** The link to `path` (`/verify-email`, `/password/reset`, `/password/forgot`) in a mail's plain-text part. */
export function linkIn(mail: ParsedMail, path: string): URL {
  const match = new RegExp(`https?://\\S+${path.replace(/\//g, '\\/')}(?:\\?token=[A-Za-z0-9_-]+)?`).exec(mail.text ?? '');
  if (!match) throw new Error(`no ${path} link in:\n${mail.text}`);
  return new URL(match[0]);
}

/** The code an authenticator app shows for `secret`, `steps` periods from now. */
export function totpCode(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
}

/** Opens a page with the agent and submits its form (posting to `actionEnd`) with `fields` added. */
export async function submitPage(agent: FormAgent, base: string, path: string, fields: Record<string, string>, actionEnd?: string) {
  const page = await agent.request(new URL(path, base).href);
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, html, headers: page.headers };
  return postForm(agent, base, html, fields, actionEnd);
}

/** Submits the form of `html` (posting to `actionEnd`, else the first) with its hidden fields and `fields`. */
export async function postForm(agent: FormAgent, base: string, html: string, fields: Record<string, string>, actionEnd?: string) {
  const form = formNamed(html, actionEnd);
  const res = await agent.request(new URL(form.action, base).href, { form: { ...form.fields, ...fields } });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** Signs up like a person with a browser without JavaScript: `/signup`, the form, the answer page. */
export function signUp(base: string, who: { email: string; password: string; organization: string; requireMfa?: boolean }, agent = new FormAgent()) {
  return submitPage(agent, base, '/signup', {
    email: who.email, password: who.password, organization: who.organization, ...(who.requireMfa ? { require_mfa: 'yes' } : {}),
  });
}

/** Opens a mailed link's page and presses its button (the way a person confirms a link). */
export async function followLink(base: string, link: URL, fields: Record<string, string> = {}, agent = new FormAgent()) {
  return submitPage(agent, base, `${link.pathname}${link.search}`, fields);
}

/** Runs the pages' after-answer work and delivers the mail it queued. */
export async function settle(gh: Gatehouse): Promise<void> {
  await gh.accounts.background.drain();
  await gh.mail.worker.drain();
}
