import type { ParsedMail } from 'mailparser';
import * as oidc from 'openid-client';
import { generate } from 'otplib';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startTestServer, type RunningGatehouse } from './harness.js';
import { startSmtpSink, type SmtpSink } from './mail.js';
import { FormAgent, REDIRECT_URI } from './oauth.js';

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
  // events the work wrote are dispatched now, not while a test compares snapshots
  await gh.webhooks.drain();
  await gh.mail.worker.drain();
}

/** Which form of a sign-in page to submit, and what to put in it (hidden fields are kept). */
export interface PageAnswer {
  /** the step its form posts to (`login`, `mfa`, `passkey`, `enrol-totp`, `continue`, `consent`, …); default the page's first form */
  step?: string;
  fields: Record<string, string>;
}

/** The step a page's first form posts to (`/interaction/<uid>/<step>`). */
export const stepOf = (html: string): string => formNamed(html).action.split('/').pop()!;

/**
 * Walks an authorization request like a person without JavaScript (redirects followed, cookies
 * kept), answering each page with `answer(step, html)`, until the redirect to `redirectUri`.
 * @throws on a page that is not 200 (its status and text in the message)
 */
export async function walkAuthorization(agent: FormAgent, issuer: string, authUrl: URL | string,
  answer: (step: string, html: string) => PageAnswer | Promise<PageAnswer>, redirectUri = REDIRECT_URI) {
  const steps: string[] = [];
  const pages: string[] = [];
  let res = await agent.request(String(authUrl));
  for (let hops = 0; hops < 30; hops++) {
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, issuer);
      if (location.href.startsWith(redirectUri)) return { callback: location, steps, pages };
      res = await agent.request(location.href);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`page ${res.status} after ${steps.join(' → ')}: ${visibleText(html).slice(0, 300)}`);
    const step = stepOf(html);
    steps.push(step);
    pages.push(html);
    const reply = await answer(step, html);
    const form = formNamed(html, reply.step ? `/${reply.step}` : undefined);
    res = await agent.request(new URL(form.action, issuer).href, { form: { ...form.fields, ...reply.fields } });
  }
  throw new Error('too many hops');
}

/** A code + PKCE sign-in through `walkAuthorization`, redeemed with openid-client. */
export async function signInWith(config: oidc.Configuration, issuer: string, answer: Parameters<typeof walkAuthorization>[3],
  params: Record<string, string> = {}, agent = new FormAgent()) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid email', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  const walked = await walkAuthorization(agent, issuer, url, answer);
  const tokens = await oidc.authorizationCodeGrant(config, walked.callback, { pkceCodeVerifier: verifier, expectedState: state });
  return { tokens, steps: walked.steps, pages: walked.pages, agent };
}

/** The usual answers: the password at login, `allow` at consent; `more` answers the other steps. */
export function answering(who: { email: string; password: string }, more: Record<string, (html: string) => PageAnswer | Promise<PageAnswer>> = {}) {
  return (step: string, html: string): PageAnswer | Promise<PageAnswer> => {
    if (Object.hasOwn(more, step)) return more[step](html);
    if (step === 'login') return { fields: { email: who.email, password: who.password } };
    if (step === 'consent') return { fields: { decision: 'allow' } };
    throw new Error(`no answer for the ${step} step:\n${visibleText(html).slice(0, 400)}`);
  };
}

/** `/v1` as a person: their access token as Bearer, JSON in and out. */
export function personApi(issuer: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${issuer}/v1${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** Enrols an authenticator app through `/v1/me` (start with the password, confirm with a code). @returns its secret and the recovery codes */
export async function enrolApp(api: ReturnType<typeof personApi>, password: string) {
  const started = await api('POST', '/me/factors/totp', { current_password: password, name: 'Phone' });
  if (started.status !== 201) throw new Error(`enrolment refused: ${started.status} ${JSON.stringify(started.body)}`);
  const confirmed = await api('POST', `/me/factors/totp/${started.body.factor.id}/confirm`, { code: await totpCode(started.body.secret) });
  if (confirmed.status !== 200) throw new Error(`confirmation refused: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return { secret: started.body.secret as string, factorId: started.body.factor.id as string, recoveryCodes: confirmed.body.recovery_codes as string[] };
}

/** The answer to a page's passkey form: the options it asks for (POSTing its hidden fields), answered by `sign`. */
export async function passkeyAnswer(agent: FormAgent, issuer: string, html: string, step: 'passkey' | 'enrol-passkey',
  sign: (options: any) => unknown): Promise<PageAnswer> {
  const form = formNamed(html, `/${step}`);
  const optionsUrl = new RegExp(`action="${form.action}" data-webauthn="[a-z]+" data-options="([^"]+)"`).exec(html)![1];
  const { response: _r, ...fields } = form.fields;
  const res = await agent.request(new URL(optionsUrl, issuer).href, { form: fields });
  if (res.status !== 200) throw new Error(`passkey options refused: ${res.status} ${await res.text()}`);
  const { options } = await res.json() as { options: unknown };
  return { step, fields: { response: JSON.stringify(sign(options)) } };
}

/** A real SMTP server, and a listening Gatehouse sending its mail there. */
export async function startWithSmtp(overrides: Record<string, unknown> = {}, options: Parameters<typeof startTestServer>[1] = {}) {
  const smtp = await startSmtpSink();
  const server = await startTestServer({ smtpUrl: smtp.url, ...overrides }, options);
  return { server, smtp };
}

/** Stops what `startWithSmtp` started (either may be missing when the start failed or was skipped). */
export async function stopWithSmtp(server?: RunningGatehouse, smtp?: SmtpSink): Promise<void> {
  await server?.stop();
  await smtp?.close();
}
