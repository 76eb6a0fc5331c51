import request from 'supertest';
import type { Gatehouse } from '../../src/gatehouse.js';
import { invitationLink, outboxMails } from './mail.js';

type Target = Gatehouse | string;

const agentOf = (target: Target) => request(typeof target === 'string' ? target : target.app.callback());

/** The hidden fields of the invitation page's forms. */
export function invitationForm(page: string): { csrf: string; token: string } {
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf || !token) throw new Error(`no invitation form on page:\n${page.slice(0, 500)}`);
  return { csrf, token };
}

/**
 * Follows an invitation link like a person with a browser and no JavaScript: opens the page,
 * then submits the "I have an account" (`signin`) or "I am new here" (`signup`) form.
 */
export async function acceptInvitation(target: Target, link: URL, how: { mode: 'signin' | 'signup'; password: string; confirm?: string }) {
  const page = await agentOf(target).get(`${link.pathname}${link.search}`);
  if (page.status !== 200) return { status: page.status, text: page.text, headers: page.headers };
  const { csrf, token } = invitationForm(page.text);
  const res = await agentOf(target).post(link.pathname).type('form')
    .send({ csrf, token, mode: how.mode, password: how.password, confirm: how.confirm ?? how.password });
  return { status: res.status, text: res.text, headers: res.headers };
}

/** The invitation link last mailed to `email` by a Gatehouse without SMTP (read from its outbox directory). */
export async function mailedLink(gh: Gatehouse, email: string): Promise<URL> {
  await gh.mail.worker.drain();
  const mails = (await outboxMails(gh.config.dataDir)).filter((m) => JSON.stringify(m.to).toLowerCase().includes(email.toLowerCase()));
  if (!mails.length) throw new Error(`no mail to ${email} in the outbox directory`);
  return invitationLink(mails[mails.length - 1]);
}

/** Invites `email` over the API with `key`, then accepts as a new person with `password`: the whole path a member takes. */
export async function inviteAndJoin(gh: Gatehouse, org: string, key: string, email: string, roles: string[], password = 'a long enough password') {
  const invited = await request(gh.app.callback()).post(`/v1/organizations/${org}/invitations`).set('X-API-Key', key).send({ email, roles });
  if (invited.status !== 201) throw new Error(`invitation refused: ${invited.status} ${invited.text}`);
  const joined = await acceptInvitation(gh, await mailedLink(gh, email), { mode: 'signup', password });
  if (joined.status !== 200) throw new Error(`joining failed: ${joined.status}`);
  const user = await gh.identity.users.getByEmail(email);
  return { invitationId: invited.body.id as string, userId: user!.id };
}
