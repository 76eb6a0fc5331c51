import { alertText, isAlertType } from '../events/alert-texts.js';
import type { EventPayloads } from '../events/payloads.js';
import { collectAll } from '../identity/paging.js';
import type { MailContent } from '../mail/message.js';
import type { Mailer } from '../mail/mailer.js';
import type { Organization, Store, User } from '../store/ports.js';
import type { Alert, AlertNotifier } from './alerts.js';

export interface MailedAlertsDeps {
  store: Pick<Store, 'organizations' | 'memberships' | 'users'>;
  mailer: Pick<Mailer, 'send'>;
  /** the deployment's public URL, for the console link */
  issuer: string;
}

/**
 * The organization's admins who get its alerts: enabled members holding the built-in `admin`
 * role whose account is enabled. (Accounts have no verified-email flag yet; when they do, an
 * unverified address should not get alerts either.)
 */
export async function alertRecipients(store: MailedAlertsDeps['store'], organizationId: string): Promise<User[]> {
  const memberships = await collectAll((page) => store.memberships.listByOrganization(organizationId, page));
  const admins = memberships.filter((m) => !m.disabled && m.roles.includes('admin'));
  const users = await Promise.all(admins.map((m) => store.users.findById(m.userId)));
  return users.filter((u): u is User => u !== null && !u.disabled);
}

/** The alert mail: what happened, what to do, where, and why the recipient gets it. */
export function alertMailContent(alert: Alert, organization: Organization, issuer: string): MailContent {
  if (!isAlertType(alert.type)) throw new Error(`"${alert.type}" is not an alert`);
  const text = alertText(alert.type, alert.data as unknown as EventPayloads[typeof alert.type]);
  const link = `${issuer}/console/o/${encodeURIComponent(organization.slug)}${text.consolePage ? `/${text.consolePage}` : ''}`;
  return {
    subject: `[${organization.name}] ${text.headline}`,
    paragraphs: [
      'Hello,',
      `${text.happened.join('\n')}`,
      `What to do: ${text.todo}`,
      link,
      `You receive this because you are an admin of ${organization.name}. Alert ${alert.type}, event ${alert.eventId}, `
        + `${alert.occurredAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
    ],
  };
}

/**
 * Alerts mailed to the organization's admins (SPEC §9) through the stored mail outbox. A mail is
 * keyed by (event, recipient), so when the dispatcher offers an alert again (a failure part-way
 * through the admins, another instance, a restart) each admin still gets it once.
 */
export function mailedAlerts(deps: MailedAlertsDeps): AlertNotifier {
  return {
    async notify(alert) {
      const organization = await deps.store.organizations.findById(alert.organizationId);
      if (!organization) return;
      const content = alertMailContent(alert, organization, deps.issuer);
      for (const admin of await alertRecipients(deps.store, organization.id)) {
        await deps.mailer.send({
          to: admin.email, kind: 'alert', organization: { id: organization.id, name: organization.name }, content,
          dedupeKey: `alert:${alert.eventId}:${admin.email}`,
        });
      }
    },
  };
}
