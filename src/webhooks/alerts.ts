import type { Logger } from 'pino';

/** An alert-type event (`events/catalog.ts`), for the organization's admins. */
export interface Alert {
  /** the event's id: the same alert may be offered more than once (see {@link AlertNotifier}) */
  eventId: string;
  organizationId: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/**
 * Where alerts go besides webhooks and the audit log: SPEC §9 mails them to the organization's
 * admins. The dispatcher offers each alert event before it marks the event dispatched, and
 * offers it again on the next round if `notify` throws, so an implementation must be idempotent
 * by `eventId` (a mail outbox keyed by it sends each alert once).
 */
export interface AlertNotifier {
  notify(alert: Alert): Promise<void>;
}

/**
 * The notifier until mail is wired: a warning line per alert (type and ids, never the data), so
 * an operator sees alerts in the logs. It reaches no admin: replace it with the mail outbox.
 */
export function loggedAlerts(logger: Logger): AlertNotifier {
  return {
    async notify(alert) {
      logger.warn({ alert: alert.type, organization: alert.organizationId, event: alert.eventId },
        'alert for the organization\'s admins (no mail notifier is wired: logged only)');
    },
  };
}
