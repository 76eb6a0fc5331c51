import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANAGEMENT_PERMISSIONS } from '../../../src/domain/permissions.js';
import { startTestServer, type RunningGatehouse } from '../../support/harness.js';
import { acceptInvitation } from '../../support/invitations.js';
import { invitationLink, startSmtpSink, type SmtpSink } from '../../support/mail.js';
import { mintKey } from '../../support/seed.js';

type Json = Record<string, any>;

/** One step of a recorded provisioning sequence: a request the identity provider sends, or what a person does meanwhile. */
interface Step {
  name: string;
  request?: { method: string; path: string; body?: unknown };
  response?: { status: number; body?: Json; absent?: string[] };
  capture?: Record<string, string>;
  action?: { type: 'accept_invitation'; email: string; mode: 'signup' | 'signin' } | { type: 'expect_membership'; email: string; roles: string[] | null; disabled?: boolean };
}

export interface Sequence { provider: string; source: string; steps: Step[] }

export const loadSequence = (file: string): Sequence =>
  JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'scim', file), 'utf8')) as Sequence;

/** `{{name}}` replaced by what earlier steps captured, anywhere in a string or a JSON value. */
function fill<T>(value: T, captured: Record<string, string>): T {
  return JSON.parse(JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    if (!(name in captured)) throw new Error(`nothing captured as "${name}" yet`);
    return captured[name];
  })) as T;
}

/**
 * A Gatehouse listening on 127.0.0.1 with a real SMTP server for its mail, an organization `acme`
 * with an admin, and a SCIM token created over the management API, as an administrator would.
 */
export async function provisioningTarget(): Promise<{ server: RunningGatehouse; smtp: SmtpSink; token: string; orgId: string; close(): Promise<void> }> {
  const smtp = await startSmtpSink();
  const server = await startTestServer({ smtpUrl: smtp.url });
  const gh = server.gatehouse;
  const org = await gh.identity.organizations.create({ slug: 'acme' });
  await gh.identity.users.create({ email: 'admin@acme.test', password: 'admin has a long password', organizationId: org.id, roles: ['admin'] });
  const key = (await mintKey(gh, org.id, MANAGEMENT_PERMISSIONS)).key;
  const res = await fetch(`${server.url}/v1/organizations/acme/scim-tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ name: 'identity provider', permissions: MANAGEMENT_PERMISSIONS }),
  });
  const { token } = await res.json() as { token: string };
  return { server, smtp, token, orgId: org.id, close: async () => { await server.stop(); await smtp.close(); } };
}

/** Replays a sequence against the target, step by step, checking each answer; returns the step names it ran. */
export async function replay(sequence: Sequence, target: Awaited<ReturnType<typeof provisioningTarget>>): Promise<string[]> {
  const captured: Record<string, string> = {};
  const ran: string[] = [];
  const gh = target.server.gatehouse;
  for (const raw of sequence.steps) {
    const step = fill(raw, captured);
    ran.push(step.name);
    if (step.action?.type === 'accept_invitation') {
      await gh.mail.worker.drain();
      const mail = [...target.smtp.received].reverse().find((m) => JSON.stringify(m.to).toLowerCase().includes(step.action!.email.toLowerCase()));
      if (!mail) throw new Error(`${step.name}: no invitation mailed to ${step.action.email}`);
      const joined = await acceptInvitation(target.server.url, invitationLink(mail), { mode: step.action.mode, password: 'the person chose this password' });
      expect([step.name, joined.status, joined.text.includes('You joined')]).toEqual([step.name, 200, true]);
      continue;
    }
    if (step.action?.type === 'expect_membership') {
      const user = await gh.identity.users.getByEmail(step.action.email);
      const membership = user && (await gh.store.memberships.find(target.orgId, user.id));
      const seen = membership ? { roles: membership.roles, disabled: membership.disabled } : { roles: null };
      const wanted = step.action.roles === null ? { roles: null } : { roles: step.action.roles, disabled: step.action.disabled };
      expect([step.name, seen]).toEqual([step.name, wanted]);
      continue;
    }
    const { method, path, body } = step.request!;
    const res = await fetch(`${target.server.url}/scim/v2${path}`, {
      method, headers: { authorization: `Bearer ${target.token}`, accept: 'application/scim+json', ...(body ? { 'content-type': 'application/scim+json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const answer = text ? JSON.parse(text) as Json : null;
    expect([step.name, res.status]).toEqual([step.name, step.response!.status]);
    if (text) expect([step.name, res.headers.get('content-type')]).toEqual([step.name, 'application/scim+json; charset=utf-8']);
    if (step.response!.body) expect([step.name, answer]).toEqual([step.name, asymmetric(step.response!.body)]);
    for (const attribute of step.response!.absent ?? []) expect([step.name, answer]).toEqual([step.name, expect.not.objectContaining({ [attribute]: expect.anything() })]);
    for (const [name, field] of Object.entries(step.capture ?? {})) captured[name] = answer![field];
  }
  return ran;
}

/** A partial expectation, recursively: objects may hold more, arrays hold (at least) matching items in order. */
function asymmetric(expected: unknown): unknown {
  if (Array.isArray(expected)) return expected.length ? expected.map(asymmetric) : [];
  if (expected && typeof expected === 'object') {
    return expect.objectContaining(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, asymmetric(v)])));
  }
  return expected;
}
