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
 * admins (`mailedAlerts`). The dispatcher offers each alert event before it marks the event
 * dispatched, and offers it again on the next round if `notify` throws, so an implementation must
 * be idempotent by `eventId` (the mail outbox keyed by event and recipient sends each alert once).
 */
export interface AlertNotifier {
  notify(alert: Alert): Promise<void>;
}
